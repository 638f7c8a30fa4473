import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One HTTP response, with header names lower-cased.
struct HTTPResponse: Sendable {
    var status: Int
    var headers: [String: String]
    var body: Data
}

/// Why an HTTP exchange produced no response.
struct TransportFailure: Error, Sendable {
    enum Kind: Sendable { case timedOut, connection, tls, other }
    var kind: Kind
    var message: String
    /// Worth another attempt: the network or the server may recover.
    var retryable: Bool { kind == .timedOut || kind == .connection }
}

/// A blocking HTTPS POST over URLSession, with no cookies, no cache and no redirects: a
/// redirect would carry the access token to wherever it points, so it is returned as it is.
final class HTTPTransport: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    private var session: URLSession!

    override init() {
        super.init()
        let c = URLSessionConfiguration.ephemeral
        c.httpCookieStorage = nil
        c.httpShouldSetCookies = false
        c.urlCache = nil
        c.requestCachePolicy = .reloadIgnoringLocalCacheData
        session = URLSession(configuration: c, delegate: self, delegateQueue: nil)
    }

    deinit { session.invalidateAndCancel() }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }

    private final class Box: @unchecked Sendable { var result: Result<HTTPResponse, TransportFailure>? }

    func post(_ url: URL, headers: [String: String], body: Data, timeout: TimeInterval) -> Result<HTTPResponse, TransportFailure> {
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: max(timeout, 0.1))
        request.httpMethod = "POST"
        for (k, v) in headers { request.setValue(v, forHTTPHeaderField: k) }
        request.httpBody = body
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        let task = session.dataTask(with: request) { data, response, error in
            if let error {
                box.result = .failure(HTTPTransport.classify(error))
            } else if let http = response as? HTTPURLResponse {
                var h: [String: String] = [:]
                for (k, v) in http.allHeaderFields {
                    if let k = k as? String, let v = v as? String { h[k.lowercased()] = v }
                }
                box.result = .success(HTTPResponse(status: http.statusCode, headers: h, body: data ?? Data()))
            } else {
                box.result = .failure(TransportFailure(kind: .other, message: "no HTTP response"))
            }
            done.signal()
        }
        task.resume()
        // URLSession's own timeout is not reliable on every platform: the deadline is kept here.
        if done.wait(timeout: .now() + timeout) == .timedOut {
            task.cancel()
            return .failure(TransportFailure(kind: .timedOut, message: "no response within \(Int(timeout)) s"))
        }
        return box.result ?? .failure(TransportFailure(kind: .other, message: "no result"))
    }

    static func classify(_ error: Error) -> TransportFailure {
        let ns = error as NSError
        let text = ns.localizedDescription
        guard ns.domain == NSURLErrorDomain else { return TransportFailure(kind: .other, message: text) }
        switch ns.code {
        case NSURLErrorTimedOut:
            return TransportFailure(kind: .timedOut, message: "timed out")
        case NSURLErrorNetworkConnectionLost, NSURLErrorCannotConnectToHost, NSURLErrorNotConnectedToInternet,
            NSURLErrorCannotFindHost, NSURLErrorDNSLookupFailed, NSURLErrorBadServerResponse, NSURLErrorZeroByteResource,
            NSURLErrorCannotParseResponse:
            return TransportFailure(kind: .connection, message: text)
        case NSURLErrorSecureConnectionFailed, NSURLErrorServerCertificateHasBadDate, NSURLErrorServerCertificateUntrusted,
            NSURLErrorServerCertificateHasUnknownRoot, NSURLErrorServerCertificateNotYetValid, NSURLErrorClientCertificateRejected:
            return TransportFailure(kind: .tls, message: "TLS: \(text)")
        default:
            return TransportFailure(kind: .other, message: text)
        }
    }
}
