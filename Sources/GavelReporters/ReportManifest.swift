import GavelCore

/// `manifest.json` of the report as a folder: every page with its SHA-256 and size, and the
/// SHA-256 of the results document it was made from, so a reviewer can tell that no page
/// was edited or left out (`sha256sum` against it), and so that Gavel knows a folder it may
/// replace with a newer report.
public struct ReportManifest: Sendable {
    public static let name = "manifest.json"
    public static let format = "report-folder/v1"

    public let results: String?
    public private(set) var files: [(path: String, sha256: String, bytes: Int)] = []

    public init(results: String?) { self.results = results }

    public mutating func add(_ path: String, _ bytes: [UInt8]) {
        files.append((path, SHA256.hex(bytes), bytes.count))
    }

    /// The manifest, one file per line: it is the one file of the folder that grows with the
    /// fleet (about 115 bytes a page, 13 MB for the 110,000 pages of 100,000 assets).
    public var json: String {
        var out = "{\"gavel\": \"\(ReportManifest.format)\", \"results_sha256\": \(results.map { JSONWriter.string(.string($0)) } ?? "null"), \"files\": [\n"
        out += files.map { f in
            "{\"path\": \(JSONWriter.string(.string(f.path))), \"sha256\": \"\(f.sha256)\", \"bytes\": \(f.bytes)}"
        }.joined(separator: ",\n")
        return out + "\n]}\n"
    }

    /// Whether `folder` holds a report Gavel wrote and nothing else: its manifest names this
    /// format and lists every other file in it. A file a user added (notes, a copy of the
    /// results) makes it theirs, not Gavel's to replace.
    public static func isReport(_ folder: String) -> Bool {
        guard let bytes = FileBytes.read(PathNames.join(folder, name)), let text = String(validating: bytes, as: UTF8.self),
            text.replacingOccurrences(of: " ", with: "").prefix(200).contains("\"gavel\":\"\(format)\"")
        else { return false }
        // One file a line; the paths are the reporter's own file names (letters, digits,
        // `-_./`), so they need no unescaping.
        var listed: Set<String> = [name]
        for line in text.split(separator: "\n") where line.hasPrefix("{\"path\": \"") {
            let rest = line.dropFirst(10)
            if let end = rest.firstIndex(of: "\"") { listed.insert(String(rest[..<end])) }
        }
        return AtomicFolder.files(under: folder).allSatisfy { listed.contains($0) }
    }
}
