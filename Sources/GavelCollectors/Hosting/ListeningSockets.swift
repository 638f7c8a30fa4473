import Foundation
import GavelCore

/// Listening sockets from /proc/net/{tcp,tcp6,udp,udp6}: TCP sockets in LISTEN state and bound
/// UDP sockets, with the owning process when /proc/PID/fd is readable (all of them as root).
enum ListeningSockets {
    struct Socket { var proto: String; var address: String; var port: Int; var uid: Int; var inode: String; var line = 0 }

    static func collect(_ host: inout HostFiles, _ prov: inout [(String, String, Int)]) -> Value {
        var sockets: [Socket] = []
        for proto in ["tcp", "tcp6", "udp", "udp6"] {
            guard let text = host.text("/proc/net/" + proto, part: "listening") else { continue }
            sockets += parse(text, proto: proto)
        }
        let owners = host.isLiveSystem ? processes() : [:]
        let sorted = sockets.sorted { ($0.port, $0.proto, $0.address) < ($1.port, $1.proto, $1.address) }
        for (i, s) in sorted.enumerated() { prov.append(("/listening/\(i)", "/proc/net/" + s.proto, s.line)) }
        return .array(
            sorted.map { s in
                .object([
                    ("protocol", .string(s.proto.hasPrefix("tcp") ? "tcp" : "udp")), ("family", .string(s.proto.hasSuffix("6") ? "ipv6" : "ipv4")),
                    ("address", .string(s.address)), ("port", .integer(s.port)), ("uid", .integer(s.uid)),
                    ("public", .bool(s.address == "0.0.0.0" || s.address == "::")),
                    ("process", owners[s.inode].map { .string($0) } ?? .null),
                ])
            })
    }

    /// Rows of a /proc/net table: `sl local_address rem_address st ... uid timeout inode`.
    static func parse(_ text: String, proto: String) -> [Socket] {
        var out: [Socket] = []
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().dropFirst() {
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            guard f.count >= 10 else { continue }
            let state = f[3]
            let listening = proto.hasPrefix("tcp") ? state == "0A" : state == "07"
            guard listening else { continue }
            let local = f[1].split(separator: ":")
            guard local.count == 2, let port = Int(local[1], radix: 16), let addr = address(String(local[0])) else { continue }
            out.append(Socket(proto: proto, address: addr, port: port, uid: Int(f[7]) ?? -1, inode: String(f[9]), line: n + 1))
        }
        return out
    }

    /// The kernel prints addresses as 32-bit words in host (little-endian) byte order.
    static func address(_ hex: String) -> String? {
        let bytes = stride(from: 0, to: hex.count, by: 2).compactMap { i -> UInt8? in
            let s = hex.index(hex.startIndex, offsetBy: i)
            return UInt8(hex[s..<hex.index(s, offsetBy: 2)], radix: 16)
        }
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        var ordered: [UInt8] = []
        for w in stride(from: 0, to: bytes.count, by: 4) { ordered += bytes[w..<(w + 4)].reversed() }
        if ordered.count == 4 { return ordered.map(String.init).joined(separator: ".") }
        if ordered[0..<10].allSatisfy({ $0 == 0 }) && ordered[10] == 0xFF && ordered[11] == 0xFF {
            return "::ffff:" + ordered[12...].map(String.init).joined(separator: ".")
        }
        let groups = stride(from: 0, to: 16, by: 2).map { String(Int(ordered[$0]) << 8 | Int(ordered[$0 + 1]), radix: 16) }
        // Compress the longest run of zero groups, as inet_ntop does.
        var best = (start: -1, len: 0), i = 0
        while i < 8 {
            var j = i
            while j < 8 && groups[j] == "0" { j += 1 }
            if j - i > best.len && j - i > 1 { best = (i, j - i) }
            i = j + 1
        }
        if best.start >= 0 {
            let head = groups[..<best.start].joined(separator: ":"), tail = groups[(best.start + best.len)...].joined(separator: ":")
            return head + "::" + tail
        }
        return groups.joined(separator: ":")
    }

    /// socket inode -> process name, from /proc/PID/fd links `socket:[INODE]`.
    static func processes() -> [String: String] {
        var out: [String: String] = [:]
        let fm = FileManager.default
        for pid in (try? fm.contentsOfDirectory(atPath: "/proc")) ?? [] where Int(pid) != nil {
            guard let fds = try? fm.contentsOfDirectory(atPath: "/proc/\(pid)/fd") else { continue }
            let comm = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? pid
            for fd in fds {
                guard let dest = try? fm.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)"), dest.hasPrefix("socket:[") else { continue }
                out[String(dest.dropFirst(8).dropLast())] = comm
            }
        }
        return out
    }
}
