using System.CommandLine;
using Microsoft.ML.RemBert.Runtime;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Cli.Commands;

/// <summary>
/// The <c>--device</c> option of the commands that run the model. A wrong or unavailable device is a wrong argument
/// (exit 2), found before any checkpoint is loaded.
/// </summary>
internal static class DeviceOption
{
    public static Option<string> Create(string? defaultValue)
    {
        var device = new Option<string>("--device") { Description = "cpu, cuda, cuda:N or auto." };
        if (defaultValue is not null) device.DefaultValueFactory = _ => defaultValue;
        device.Validators.Add(result =>
        {
            string? name = result.GetValueOrDefault<string>();
            if (name is not null && name.StartsWith("cuda", StringComparison.OrdinalIgnoreCase) && !cuda.is_available())
            {
                result.AddError($"--device {name}: no CUDA device is available (the CPU build of TorchSharp, or no GPU).");
                return;
            }
            try
            {
                TorchRuntime.ParseDevice(name);
            }
            catch (ArgumentException e)
            {
                result.AddError($"--device: {e.Message}");
            }
        });
        return device;
    }
}
