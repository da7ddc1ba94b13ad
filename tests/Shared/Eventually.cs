namespace SendGate.Tests.Support;

/// <summary>
/// Waiting for a condition, never for a duration: asks <c>condition</c> until it holds or <c>limit</c> has passed (then
/// the caller asserts on what it sees, so a failure shows the state, not a timeout). The limit bounds a broken run; a
/// working one returns as soon as the condition holds.
/// </summary>
public static class Eventually
{
    public static async Task<bool> TrueAsync(Func<Task<bool>> condition, TimeSpan? limit = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            if (await condition())
            {
                return true;
            }

            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(50);
        }
    }

    public static Task<bool> TrueAsync(Func<bool> condition, TimeSpan? limit = null) => TrueAsync(() => Task.FromResult(condition()), limit);
}
