import GavelResults

/// `--format json`: the results document itself.
public struct JSONReporter: Sendable {
    public init() {}
    public func render(_ doc: ResultsDocument) -> String { doc.json(pretty: true) }
}
