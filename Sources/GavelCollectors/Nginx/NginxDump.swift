import Foundation
import GavelCore

/// The output of `nginx -T`: for every file nginx read, a line `# configuration file NAME:`,
/// the file's bytes, and one newline nginx adds. Line numbers inside each section are the
/// file's own, so directives parsed from a dump carry the same provenance as from disk.
struct NginxDump: NginxFileSource {
    private(set) var order: [String] = []
    private var files: [String: [UInt8]] = [:]

    init(_ text: String) throws {
        let marker = Array("# configuration file ".utf8)
        let bytes = Array(text.utf8)
        var headers: [(name: String, start: Int, contentStart: Int)] = []
        var i = 0
        while i < bytes.count {
            var end = i
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            let lineBytes = bytes[i..<end]
            if lineBytes.starts(with: marker) && lineBytes.last == UInt8(ascii: ":") {
                let name = String(decoding: lineBytes.dropFirst(marker.count).dropLast(), as: UTF8.self)
                headers.append((name, i, min(end + 1, bytes.count)))
            }
            i = end + 1
        }
        guard !headers.isEmpty else {
            throw CollectorError("nginx-dump", "the nginx -T output has no \"# configuration file\" sections")
        }
        for (k, h) in headers.enumerated() {
            var stop = k + 1 < headers.count ? headers[k + 1].start : bytes.count
            if stop > h.contentStart && bytes[stop - 1] == 0x0A { stop -= 1 }   // the newline nginx appends
            if files[h.name] == nil { order.append(h.name) }
            files[h.name] = Array(bytes[h.contentStart..<max(stop, h.contentStart)])
        }
    }

    /// The main configuration file: the first one nginx dumped.
    var main: String { order[0] }

    func read(_ path: String) throws(FileBytes.ReadError) -> [UInt8] {
        guard let bytes = files[path] else { throw FileBytes.ReadError(code: ENOENT) }
        return bytes
    }

    func glob(_ pattern: String) -> [String] {
        order.filter { NginxGlob.matches(pattern, $0) }.sorted(by: NginxGlob.byteOrder)
    }
}
