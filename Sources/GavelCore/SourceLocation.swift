/// A position in a file: 1-based line and column (columns count characters). A line or
/// column of 0 is not known: an unreadable file has only its name, a PHP or nginx file often
/// only a line. It is then written `file`, or `file:line`.
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// A file, and a line and column when they are known.
    public init(file: String, line: Int? = nil, column: Int? = nil) {
        self.init(file: file, line: line ?? 0, column: line == nil ? 0 : column ?? 0)
    }

    /// The line, when known.
    public var knownLine: Int? { line > 0 ? line : nil }
    /// The column, when known.
    public var knownColumn: Int? { line > 0 && column > 0 ? column : nil }

    public var description: String {
        guard line > 0 else { return file }
        return column > 0 ? "\(file):\(line):\(column)" : "\(file):\(line)"
    }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.file, a.line, a.column) < (b.file, b.line, b.column)
    }
}
