using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Microsoft.ML.RemBert.Checkpoints.Hub;

/// <summary>
/// The Hub's file protocol, as huggingface_hub speaks it: <c>HEAD {endpoint}/{repo}/resolve/{revision}/{file}</c> for
/// the metadata (following only relative redirects, so an LFS file's redirect to the CDN is read, not followed), then
/// <c>GET</c> of the download location with an optional <c>Range</c>. The token goes to the Hub's own host only.
/// </summary>
internal sealed partial class HubHttp : IDisposable
{
    private const int MaxRedirects = 10;

    /// <summary>
    /// The longest etag accepted. It names <c>blobs/&lt;etag&gt;.incomplete</c> and <c>&lt;etag&gt;.lock</c>, which must stay
    /// under the 255 bytes a file name may have; the Hub's are 40 (git sha1) or 64 (sha256) characters.
    /// </summary>
    public const int MaxEtagLength = 128;
    private static readonly string UserAgent =
        $"Microsoft.ML.RemBert/{typeof(HubHttp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0"}";

    private readonly HttpClient _client;
    private readonly HubSettings _settings;
    private readonly HubErrors _errors;
    private readonly Uri _endpoint;
    private readonly string _repoId;

    public HubHttp(string repoId, HubSettings settings, HubErrors errors, HttpMessageHandler? handler)
    {
        _repoId = repoId;
        _settings = settings;
        _errors = errors;
        _endpoint = new Uri(settings.Endpoint + "/");
        var ownHandler = handler is null;
        handler ??= new SocketsHttpHandler
        {
            AllowAutoRedirect = false, // the redirect response carries the metadata
            ConnectTimeout = settings.Timeout,
            AutomaticDecompression = DecompressionMethods.None,
        };
        _client = new HttpClient(handler, disposeHandler: ownHandler) { Timeout = settings.Timeout };
    }

    /// <summary>The address huggingface_hub's hf_hub_url builds: the revision escaped whole (refs/pr/1), the file name by segment.</summary>
    public Uri ResolveUri(string revision, string fileName) =>
        new(_endpoint, $"{_repoId}/resolve/{Uri.EscapeDataString(revision)}/{string.Join('/', fileName.Split('/').Select(Uri.EscapeDataString))}");

    /// <summary>The file's metadata at <paramref name="revision"/>, or that it does not exist.</summary>
    public async Task<HubFileLookup> LookupAsync(string revision, string fileName, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Head, ResolveUri(revision, fileName), fileName, rangeStart: 0, followOtherOrigins: false, cancellationToken)
            .ConfigureAwait(false);
        int status = (int)response.StatusCode;
        string? commit = Header(response, "X-Repo-Commit");
        if (status == 404 && ErrorCode(response) is not ("RepoNotFound" or "RevisionNotFound"))
            return new HubFileLookup(null, commit is not null && HubCacheRepository.CommitHash().IsMatch(commit) ? commit : null);
        if (status is >= 300 and < 400 && response.Headers.Location is null)
            throw _errors.Unexpected(fileName, $"HTTP {status} without a Location", status);
        if (status >= 400) throw Failure(response, fileName);

        if (commit is null || !HubCacheRepository.CommitHash().IsMatch(commit))
            throw _errors.Unexpected(fileName, commit is null ? "no X-Repo-Commit header" : $"X-Repo-Commit '{Shorten(commit)}' is not a commit hash");
        string? etag = NormalizeEtag(Header(response, "X-Linked-Etag") ?? Header(response, "ETag"));
        if (etag is null || etag.Length > MaxEtagLength || !SafeBlobName().IsMatch(etag))
            throw _errors.Unexpected(fileName, etag is null ? "no ETag or X-Linked-Etag header"
                : etag.Length > MaxEtagLength ? $"the ETag is {etag.Length} characters long, more than the {MaxEtagLength} a cache file name may take (the Hub's are 40 or 64)"
                : $"the ETag '{etag}' cannot name a cache file");
        string? linkedSize = Header(response, "X-Linked-Size");
        long? size = linkedSize is null ? response.Content.Headers.ContentLength
            : long.TryParse(linkedSize, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var linked) ? linked
            : throw _errors.Unexpected(fileName, $"X-Linked-Size '{Shorten(linkedSize)}' is not a size in bytes");
        if (size is not >= 0)
            throw _errors.Unexpected(fileName, "no X-Linked-Size or Content-Length header");
        // A file the Hub serves itself is fetched at the commit, not the branch, so it cannot change between HEAD and GET.
        var location = status is >= 300 and < 400 ? RedirectTarget(response.RequestMessage!.RequestUri!, response.Headers.Location!, fileName) : ResolveUri(commit, fileName);
        return new HubFileLookup(new HubFileMetadata(commit, etag, size.Value, location), commit);
    }

    /// <summary>
    /// GETs <paramref name="uri"/> from byte <paramref name="rangeStart"/> on, following redirects. Returns a 200, 206 or
    /// 416 response (the caller handles a server that ignores the range); any other status is thrown as an error.
    /// </summary>
    public async Task<HttpResponseMessage> GetAsync(Uri uri, string fileName, long rangeStart, CancellationToken cancellationToken)
    {
        var response = await SendAsync(HttpMethod.Get, uri, fileName, rangeStart, followOtherOrigins: true, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.PartialContent or HttpStatusCode.RequestedRangeNotSatisfiable) return response;
        using (response) throw Failure(response, fileName);
    }

    public void Dispose() => _client.Dispose();

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri uri, string fileName, long rangeStart, bool followOtherOrigins, CancellationToken cancellationToken)
    {
        for (int redirects = 0; ; redirects++)
        {
            using var request = new HttpRequestMessage(method, uri);
            request.Headers.UserAgent.ParseAdd(UserAgent);
            request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("identity")); // sizes must be the file's own
            // The token is for the Hub; a CDN's signed address needs none, and must not see it.
            if (_settings.Token is not null && SameOrigin(uri, _endpoint))
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _settings.Token);
            if (rangeStart > 0) request.Headers.Range = new RangeHeaderValue(rangeStart, null);

            HttpResponseMessage response;
            try
            {
                response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                throw new HubUnreachableException($"could not reach {uri.GetLeftPart(UriPartial.Authority)} ({_errors.Scrub(e.Message)})", e);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new HubUnreachableException($"{uri.GetLeftPart(UriPartial.Authority)} did not answer within {_settings.Timeout.TotalSeconds:0.#} s", e);
            }

            int status = (int)response.StatusCode;
            var location = response.Headers.Location;
            if (status is < 300 or >= 400 || location is null) return response;
            Uri target;
            try
            {
                target = RedirectTarget(uri, location, fileName);
            }
            catch
            {
                response.Dispose();
                throw;
            }
            // huggingface_hub follows only relative redirects for metadata (a renamed repository); one to another origin
            // is the CDN, whose address is the metadata. A protocol-relative //host/... is relative in form only.
            if ((!followOtherOrigins && !SameOrigin(uri, target)) || redirects == MaxRedirects) return response;
            response.Dispose();
            uri = target;
        }
    }

    /// <summary>Where <paramref name="location"/> leads from <paramref name="from"/>: only http and https are followed.</summary>
    private Uri RedirectTarget(Uri from, Uri location, string fileName)
    {
        var target = new Uri(from, location);
        if (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps)
            throw _errors.Unexpected(fileName, $"a redirect to a '{Shorten(target.Scheme)}:' address ({Shorten(location.OriginalString)}); only http and https are followed");
        return target;
    }

    /// <summary>A header value as a message quotes it: at most 100 characters, so a hostile server cannot flood the message.</summary>
    internal static string Shorten(string value) => value.Length <= 100 ? value : value[..100] + $"... ({value.Length} characters)";

    private Exception Failure(HttpResponseMessage response, string fileName)
    {
        int status = (int)response.StatusCode;
        string? message = Header(response, "X-Error-Message");
        return (status, ErrorCode(response)) switch
        {
            (401 or 403, _) => _errors.AccessDenied(fileName, status, message),
            (404, "RepoNotFound") => _errors.RepositoryNotFound(fileName, message),
            (404, "RevisionNotFound") => _errors.RevisionNotFound(fileName, message),
            (404, _) => _errors.RequiredFileNotFound(fileName, response.RequestMessage!.RequestUri!),
            (>= 500 or 429, _) => new HubUnreachableException($"{_settings.Endpoint} answered HTTP {status} for '{fileName}'"),
            _ => _errors.Unexpected(fileName, $"HTTP {status}", status),
        };
    }

    private static string? ErrorCode(HttpResponseMessage response) => Header(response, "X-Error-Code");

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.NonValidated.TryGetValues(name, out var values) || response.Content.Headers.NonValidated.TryGetValues(name, out values)
            ? values.FirstOrDefault()
            : null;

    /// <summary>huggingface_hub's _normalize_etag: a weak validator's W/ prefix and the quotes go.</summary>
    private static string? NormalizeEtag(string? etag)
    {
        if (etag is null) return null;
        etag = etag.Trim();
        if (etag.StartsWith("W/", StringComparison.Ordinal)) etag = etag[2..];
        etag = etag.Trim('"');
        return etag.Length == 0 ? null : etag;
    }

    /// <summary>An etag names a file in blobs/: no separators, no leading dot.</summary>
    [GeneratedRegex("^[A-Za-z0-9_-][A-Za-z0-9._-]*$")]
    private static partial Regex SafeBlobName();

    private static bool SameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port;
}
