import Foundation
import GavelCore

/// The output of `nginx -T`: for every file nginx read, a line `# configuration file NAME:`,
/// the file's bytes, and one newline nginx adds. Line numbers inside each section are the
/// file's own, so directives parsed from a dump carry the same provenance as from disk.
///
/// The format is ambiguous: a file may itself hold a line `# configuration file /x.conf:`
/// (a comment in column 0). Such a line is taken as a section header at first; a section
/// the configuration never reads is one that was not really a file, and `NginxDump.read`
/// (below) joins it back to the section before and parses again.
struct NginxDump: NginxFileSource {
    private(set) var order: [String] = []
    private var files: [String: [UInt8]] = [:]
    /// Every candidate header, in dump order, and which of them are taken as file sections.
    private(set) var headers: [(name: String, start: Int, contentStart: Int)] = []
    private(set) var sections: [Int] = []

    init(_ text: String, notHeaders: Set<Int> = []) throws {
        let marker = Array("# configuration file ".utf8)
        let bytes = Array(text.utf8)
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
        sections = headers.indices.filter { !notHeaders.contains($0) }
        guard !sections.isEmpty else {
            throw Diagnostic(.nginxDump, "the nginx -T output has no \"# configuration file\" sections")
        }
        for (k, index) in sections.enumerated() {
            let h = headers[index]
            var stop = k + 1 < sections.count ? headers[sections[k + 1]].start : bytes.count
            if stop > h.contentStart && bytes[stop - 1] == 0x0A { stop -= 1 }  // the newline nginx appends
            guard files[h.name] == nil else { continue }  // read() merges a repeated name into the section before
            order.append(h.name)
            files[h.name] = Array(bytes[h.contentStart..<max(stop, h.contentStart)])
        }
    }

    /// Reads the dump's configuration: the main file (the first section) and what it
    /// includes. While a section is never read (or the parse fails with sections unread), the
    /// first such section's header is taken as a line of the file before it, and the dump is
    /// parsed again: nginx dumps only files it read, so an unread section is a comment line.
    static func read(_ text: String) throws -> (dump: NginxDump, reader: NginxConfigReader, tree: [NginxDirective]) {
        var notHeaders: Set<Int> = []
        while true {
            let dump = try NginxDump(text, notHeaders: notHeaders)
            var reader = NginxConfigReader(prefix: PathNames.folder(of: dump.main), source: dump)
            var failure: Error?
            var tree: [NginxDirective] = []
            do { tree = try reader.read(main: dump.main) } catch { failure = error }
            let read = Set(reader.files)
            // nginx dumps each file once: a name's first section is the file, a later one
            // with the same name is a line of the file before it.
            var current: [String: Int] = [:]
            for index in dump.sections where current[dump.headers[index].name] == nil { current[dump.headers[index].name] = index }
            let unread = dump.sections.dropFirst().first { index in
                current[dump.headers[index].name] != index || !read.contains(dump.headers[index].name)
            }
            if let unread {
                notHeaders.insert(unread)
                continue
            }
            if let failure { throw failure }
            return (dump, reader, tree)
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
