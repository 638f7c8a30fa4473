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

    public var json: String {
        let entries = files.map { f in
            Value.object([.init("path", .string(f.path)), .init("sha256", .string(f.sha256)), .init("bytes", .int(Int64(f.bytes)))])
        }
        return JSONWriter.string(
            .object([
                .init("gavel", .string(ReportManifest.format)), .init("results_sha256", results.map(Value.string) ?? .null),
                .init("files", .array(entries)),
            ]), pretty: true) + "\n"
    }

    /// Whether `folder` holds a report Gavel wrote and nothing else: its manifest names this
    /// format and lists every other file in it. A file a user added (notes, a copy of the
    /// results) makes it theirs, not Gavel's to replace.
    public static func isReport(_ folder: String) -> Bool {
        guard let bytes = FileBytes.read(PathNames.join(folder, name)), let text = String(validating: bytes, as: UTF8.self),
            text.replacingOccurrences(of: " ", with: "").prefix(200).contains("\"gavel\":\"\(format)\"")
        else { return false }
        // The paths are the reporter's own file names (letters, digits, `-_./`): no escapes.
        var listed: Set<String> = [name]
        for line in text.split(separator: "\n") {
            let t = line.drop { $0 == " " }
            guard t.hasPrefix("\"path\": \""), let end = t.dropFirst(9).firstIndex(of: "\"") else { continue }
            listed.insert(String(t.dropFirst(9)[..<end]))
        }
        return AtomicFolder.files(under: folder).allSatisfy { listed.contains($0) }
    }
}
