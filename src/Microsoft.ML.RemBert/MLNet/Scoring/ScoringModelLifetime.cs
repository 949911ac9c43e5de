using System.Runtime.InteropServices;
using Microsoft.ML.RemBert.Trainers;

namespace Microsoft.ML.RemBert.MLNet.Scoring;

/// <summary>
/// Owns a scoring task's native memory (the model's tensors) for a <see cref="RemBertScoringTransformer"/>. The task is
/// freed once the model has been disposed (<see cref="Dispose"/>) AND no PredictionEngine over it exists any more
/// (<see cref="CreateEngineHold"/>) AND no forward pass runs on it (<see cref="Acquire"/>), or when this object becomes
/// unreachable. So a model disposed while other threads score never frees tensors under a running forward, a pool
/// of default PredictionEngines (each of which disposes the model it owns) keeps scoring, and a model dropped without
/// Dispose does not leak.
/// </summary>
/// <remarks>
/// <para>Why engines are held by their existence rather than by their Dispose: ML.NET's PredictionEngine disposes the
/// transformer it owns (<c>OwnsTransformer</c>, true by default) exactly like the application does, so the two
/// cannot be told apart; and a loaded model is a TransformerChain, which passes on only its first Dispose. So the
/// first Dispose, whoever makes it, releases the model's own hold; each engine holds the model through the row it
/// scores with, until the garbage collector finds that row unreachable (engines are never used after Dispose).</para>
/// <para>Once every hold is gone the model is retired: no new lease or engine is granted, forward passes in flight
/// finish, then the task is freed. Later use fails with the <see cref="ObjectDisposedException"/> of <see cref="Disposed"/>.</para>
/// <para>Finalization: TorchSharp 0.107's finalizers do not free every module (an <c>nn.Embedding</c>'s weight
/// survives), so the task is kept reachable through a GC handle, which stops its own finalizers from running first,
/// and this object's finalizer disposes it properly and then lets the handle go. Nothing in the task may refer back to
/// this object or to the transformer, or the handle would keep them alive for ever. The model's size is reported to
/// the GC as memory pressure, so that the GC collects dropped models and engines before native memory runs out.</para>
/// <para>Thread safety: every member may be called from any thread.</para>
/// </remarks>
internal sealed class ScoringModelLifetime
{
    private readonly RemBertScoringTask _task;
    private readonly string _modelName;
    private GCHandle _root;
    private long _memoryPressure;
    // Forward passes in flight, plus 1 for all the holds together.
    private int _count = 1;
    // The model's own hold (until the first Dispose) plus one per PredictionEngine row still reachable.
    private int _holds = 1;
    private int _disposed;
    private string? _disposedBy;

    /// <summary>Takes ownership of <paramref name="task"/>; <paramref name="modelName"/> names it in errors (the transformer type).</summary>
    public ScoringModelLifetime(RemBertScoringTask task, string modelName)
    {
        _task = task;
        _modelName = modelName;
        _root = GCHandle.Alloc(task);
        UpdateMemoryPressure();
    }

    /// <summary>Throws <see cref="Disposed"/> once the model is retired (nothing holds it any more).</summary>
    public void ThrowIfDisposed()
    {
        if (Volatile.Read(ref _holds) == 0)
            throw Disposed();
    }

    /// <summary>
    /// Throws <see cref="Disposed"/> once the model's own Dispose has been called (by the application, a chain or an
    /// engine that owns it), even while PredictionEngines created before still hold it: direct use of a disposed model
    /// (Transform, a new cursor, Save, ONNX export) is refused; only those engines, and new engines made for a pool
    /// over it, keep scoring until the last one is collected.
    /// </summary>
    public void ThrowIfDisposedDirectly()
    {
        if (Volatile.Read(ref _disposed) != 0)
            throw Disposed();
    }

    /// <summary>
    /// A lease that keeps the model's tensors alive until it is disposed (wrap each forward pass, save or export in one).
    /// Throws <see cref="Disposed"/> once the model is retired.
    /// </summary>
    public Lease Acquire()
    {
        while (true)
        {
            int count = Volatile.Read(ref _count);
            if (count == 0 || Volatile.Read(ref _holds) == 0)
                throw Disposed();
            if (Interlocked.CompareExchange(ref _count, count + 1, count) == count)
                return new Lease(this);
        }
    }

    /// <summary>
    /// A hold for one PredictionEngine's row, to be kept by that row: the model stays usable while the row is reachable.
    /// Throws <see cref="Disposed"/> once the model is retired.
    /// </summary>
    public EngineHold CreateEngineHold()
    {
        while (true)
        {
            int holds = Volatile.Read(ref _holds);
            if (holds == 0)
                throw Disposed();
            if (Interlocked.CompareExchange(ref _holds, holds + 1, holds) == holds)
                return new EngineHold(this);
        }
    }

    /// <summary>
    /// The model's own hold ends (the transformer's Dispose; later calls do nothing). The model is retired now if no
    /// engine holds it, else when the last engine is collected; its tensors are freed after the forwards in flight.
    /// </summary>
    /// <param name="disposedBy">Who disposed it, for the message of later errors.</param>
    public void Dispose(string disposedBy)
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        Volatile.Write(ref _disposedBy, disposedBy);
        ReleaseHold();
    }

    /// <summary>
    /// Runs <paramref name="change"/> (e.g. moving the model to another device) under a lease, then reports the model's
    /// new size to the GC. The caller makes sure no forward runs meanwhile.
    /// </summary>
    public void Change(Action<RemBertScoringTask> change)
    {
        using var lease = Acquire();
        change(_task);
        UpdateMemoryPressure();
    }

    /// <summary>The error for any use once the model is retired: who disposed it and how to share a model.</summary>
    public ObjectDisposedException Disposed() => new(_modelName,
        $"This RemBERT model was disposed by {Volatile.Read(ref _disposedBy) ?? "the garbage collector"}" +
        (Volatile.Read(ref _holds) == 0
            ? " and its native memory freed (after the last PredictionEngine over it); it cannot score any more. "
            : "; it can no longer be used directly (Transform, Save, ONNX export): only PredictionEngines over it keep scoring, and its " +
              "native memory is freed once the last of them is collected. ") +
        "To share one model between threads and " +
        "PredictionEngines, keep it undisposed for as long as they may be created or used, and dispose it once at the end: engines " +
        "created with ML.NET's defaults dispose the model they own, and the model then lives on only for the engines that still " +
        "exist; create them with new PredictionEngineOptions { OwnsTransformer = false } (ownsTransformer: false) so that only " +
        "your own Dispose counts (see docs/serving.md, \"Model lifetime\").");

    private void ReleaseHold()
    {
        if (Interlocked.Decrement(ref _holds) == 0)
            ReleaseOne();
    }

    private void ReleaseOne()
    {
        if (Interlocked.Decrement(ref _count) != 0)
            return;
        try
        {
            _task.Dispose();
            Runtime.NativeHeap.Trim();
        }
        finally
        {
            _root.Free();
            long pressure = Interlocked.Exchange(ref _memoryPressure, 0);
            if (pressure > 0)
                GC.RemoveMemoryPressure(pressure);
            GC.SuppressFinalize(this);
        }
    }

    private void UpdateMemoryPressure()
    {
        // Only tensors in host memory count: device memory is not the GC's concern.
        var model = _task.ScoredModel;
        long bytes = model is null ? 0 : model.parameters().Concat(model.buffers())
            .Where(tensor => tensor.device_type == TorchSharp.DeviceType.CPU)
            .Sum(tensor => tensor.NumberOfElements * tensor.ElementSize);
        long previous = Interlocked.Exchange(ref _memoryPressure, bytes);
        if (previous > 0)
            GC.RemoveMemoryPressure(previous);
        if (bytes > 0)
            GC.AddMemoryPressure(bytes);
    }

    /// <summary>Reached only when neither the transformer nor any cursor, engine or lease refers to this object any more.</summary>
    ~ScoringModelLifetime()
    {
        // Unreachable: nothing can use the model any more, whatever the holds say.
        if (Interlocked.Exchange(ref _holds, 0) != 0)
        {
            Interlocked.CompareExchange(ref _disposedBy, "the garbage collector (the model became unreachable without being disposed)", null);
            ReleaseOne();
        }
    }

    /// <summary>One forward pass's reference to the model, released by <see cref="Dispose"/> (once: it is a struct used in a <c>using</c>).</summary>
    public readonly struct Lease(ScoringModelLifetime owner) : IDisposable
    {
        /// <inheritdoc/>
        public void Dispose() => owner.ReleaseOne();
    }

    /// <summary>A PredictionEngine row's hold on the model, released when the row (and so this object) is collected.</summary>
    public sealed class EngineHold(ScoringModelLifetime owner)
    {
        /// <summary>Runs when the engine's row is unreachable: the engine can never score again.</summary>
        ~EngineHold()
        {
            // The model may have been retired meanwhile by the owner's finalizer (both unreachable at once).
            while (true)
            {
                int holds = Volatile.Read(ref owner._holds);
                if (holds == 0)
                    return;
                if (Interlocked.CompareExchange(ref owner._holds, holds - 1, holds) == holds)
                {
                    if (holds == 1)
                        owner.ReleaseOne();
                    return;
                }
            }
        }
    }
}
