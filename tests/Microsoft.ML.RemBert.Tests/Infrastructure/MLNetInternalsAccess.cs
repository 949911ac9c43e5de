// Test-only transformers (e.g. MLNet/Scoring/LogitsScoringTransformer) use ML.NET's internal persistence API like the
// library does: compiled against the publicized copies (the csproj imports MLNetPublicizer.targets) and allowed at
// run time by these attributes. The attribute type is the library's internal one (the CLR matches it by name).
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Core")]
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Data")]
