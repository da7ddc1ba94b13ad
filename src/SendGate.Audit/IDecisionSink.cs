namespace SendGate.Audit;

/// <summary>Where decision records go. Called from the log's single writer thread only.</summary>
public interface IDecisionSink : IDisposable
{
    /// <summary>One record as a JSON object (UTF-8, no newline).</summary>
    void Write(ReadOnlySpan<byte> json, DecisionRecord record);

    /// <summary>Called whenever the queue has been drained: make what was written durable enough.</summary>
    void Flush();

    /// <summary>Records accepted by <see cref="Write"/> and lost later (an asynchronous sink's delivery failures).</summary>
    long AsyncFailures => 0;
}
