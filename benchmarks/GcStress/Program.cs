using GcStress;

// Issue 25's stress at google/rembert's width (random weights, few layers): forward passes on two threads and
// training steps (the trainer's optimizer) while another thread forces full collections and runs finalizers, in
// float32 and in bfloat16, for --minutes in all (default 10, a quarter per workload). Prints, per workload, the
// operations done, the failed ones, the forwards whose output differed from the first, and the first failure's stack.
// Exit code 1 when anything failed or differed.
// Usage: GcStress [--minutes M] [--layers L]
StressOptions options;
try
{
    options = StressOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"GcStress: {ex.Message}");
    return 2;
}
return StressRun.Run(options);
