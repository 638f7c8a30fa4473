import GavelCore
import GavelJSON

/// A results document's waivers and attestations alone, read from the document's end
/// (`"waivers"` to the closing brace, as the results writer lays it out), so the waivers
/// of every night of a period can be listed without reading any night's results.
public enum ResultsGovernance {
    /// Where the tail starts: the top-level member, on its own line.
    public static let marker = "\n  \"waivers\": "

    public static func read(tail: [UInt8], file: String) throws(Diagnostic) -> (waivers: [Waiver], attestations: [Attestation]) {
        let doc: JSONDocument
        do { doc = try JSONDocument.parse(Array("{".utf8) + tail) } catch {
            throw Diagnostic(
                .badResults, "the waivers and attestations at the end of the document do not parse: \(error.message)", at: SourceLocation(file: file))
        }
        return try withExtendedLifetime(doc) { () throws(Diagnostic) -> (waivers: [Waiver], attestations: [Attestation]) in
            let root = doc.rootNode
            let r = RecordReader(file: file)
            let waivers = try r.list(root, "waivers", "") { v, at throws(Diagnostic) in try r.waiver(v, at) }
            let attestations = try r.list(root, "attestations", "") { v, at throws(Diagnostic) in try r.attestation(v, at) }
            return (waivers, attestations)
        }
    }
}
