using System.Runtime.ExceptionServices;

namespace PmuConformance.Fuzz.Engine.Harness;

/// <summary>
/// Runs work on a thread with a fixed stack size, so the recursion depth at which a target
/// overflows its stack is the same in every mode (in-process, under AFL++, reproduction).
/// </summary>
internal static class TargetThread
{
    public const int DefaultStackSize = 8 << 20;

    public static T Run<T>(Func<T> work, int stackSize = DefaultStackSize)
    {
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(
            () =>
            {
                try
                {
                    result = work();
                }
                catch (Exception e)
                {
                    failure = ExceptionDispatchInfo.Capture(e);
                }
            },
            stackSize);
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result;
    }
}
