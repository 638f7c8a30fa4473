import GavelCore

/// An unreadable or invalid input. Rendered like a compiler diagnostic.
public struct InputError: Error, Sendable, CustomStringConvertible {
    public var id: String
    public var file: String
    public var line: Int?
    public var column: Int?
    public var message: String

    public init(id: DiagnosticID, file: String, line: Int?, column: Int?, message: String) {
        self.id = id.rawValue
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// An input error as a results document recorded it (its ID as written then).
    public init(recordedID: String, file: String, line: Int?, column: Int?, message: String) {
        self.id = recordedID
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        let pos = line.map { ":\($0)" + (column.map { ":\($0)" } ?? "") } ?? ""
        return "\(file)\(pos): error[\(id)]: \(message)"
    }
}
