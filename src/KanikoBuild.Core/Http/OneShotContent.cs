namespace KanikoBuild.Http;

/// <summary>
/// A request body that can be sent only once (it streams from a source that is read as it goes). Neither the retry
/// nor the authentication handler sends such a request again: the operation that made it restarts instead.
/// </summary>
public abstract class OneShotContent : HttpContent
{
    /// <summary>Whether <paramref name="request"/> may be sent again as it is: no body, or one that serialises anew each time.</summary>
    public static bool IsReplayable(HttpRequestMessage request) => request.Content is not (OneShotContent or StreamContent);
}
