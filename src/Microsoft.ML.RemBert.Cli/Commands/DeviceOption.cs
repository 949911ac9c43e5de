using System.CommandLine;
using Microsoft.ML.RemBert.Runtime;

namespace Microsoft.ML.RemBert.Cli.Commands;

/// <summary>
/// The <c>--device</c> option of the commands that run the model. A wrong or unavailable device is a wrong argument
/// (exit 2), found before any checkpoint is loaded.
/// </summary>
internal static class DeviceOption
{
    public static Option<string> Create(string? defaultValue, string description = "cpu, cuda, cuda:N or auto.")
    {
        var device = new Option<string>("--device") { Description = description };
        if (defaultValue is not null) device.DefaultValueFactory = _ => defaultValue;
        device.Validators.Add(result =>
        {
            try
            {
                // Unknown names and devices this process does not have (e.g. cuda without a GPU): the message names both.
                TorchRuntime.ParseDevice(result.GetValueOrDefault<string>());
            }
            catch (ArgumentException e)
            {
                result.AddError($"--device: {e.Message}");
            }
        });
        return device;
    }
}
