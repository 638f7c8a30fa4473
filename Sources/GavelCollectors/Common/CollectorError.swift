import GavelCore

/// Why a collector could not produce a snapshot. `location` is `file:line[:column]` when the
/// problem is in a file the collector read.
public struct CollectorError: Error, Sendable, CustomStringConvertible {
    public var code: DiagnosticID
    public var id: String { code.rawValue }
    public var message: String
    public var location: String?

    public init(_ id: DiagnosticID, _ message: String, at location: String? = nil) {
        self.code = id
        self.message = message
        self.location = location
    }

    public var description: String { (location.map { "\($0): " } ?? "") + "error[\(id)]: \(message)" }
}
