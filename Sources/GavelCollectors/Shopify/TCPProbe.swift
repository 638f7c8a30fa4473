import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Opens (and closes) one TCP connection with a deadline, so that an unreachable store is
/// reported as "cannot connect within N s" rather than as a slow request timeout.
enum TCPProbe {
    /// nil when a connection was made; otherwise why not.
    static func connect(host: String, port: Int, timeout: TimeInterval) -> String? {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else { return "cannot resolve \(host): \(String(cString: gai_strerror(rc)))" }
        defer { freeaddrinfo(first) }
        let deadline = Date().addingTimeInterval(timeout)
        var last = "no address"
        var ai: UnsafeMutablePointer<addrinfo>? = first
        while let a = ai {
            ai = a.pointee.ai_next
            let fd = socket(a.pointee.ai_family, a.pointee.ai_socktype, a.pointee.ai_protocol)
            if fd < 0 { last = String(cString: strerror(errno)); continue }
            defer { close(fd) }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            if Glibc.connect(fd, a.pointee.ai_addr, a.pointee.ai_addrlen) == 0 { return nil }
            guard errno == EINPROGRESS else { last = String(cString: strerror(errno)); continue }
            var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            let ms = Int32(max(0, deadline.timeIntervalSinceNow) * 1000)
            let n = poll(&p, 1, ms)
            if n == 0 { return "no connection to \(host):\(port) within \(formatSeconds(timeout))" }
            var err: Int32 = 0
            var len = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len)
            if n > 0 && err == 0 { return nil }
            last = String(cString: strerror(err != 0 ? err : errno))
        }
        return "cannot connect to \(host):\(port): \(last)"
    }
}

func formatSeconds(_ s: TimeInterval) -> String {
    s == s.rounded() ? "\(Int(s)) s" : String(format: "%.1f s", s)
}
