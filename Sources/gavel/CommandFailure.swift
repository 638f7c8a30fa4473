import ArgumentParser
import GavelCore

/// Why a command stops: the diagnostics (or text) to print on standard error and the exit
/// code (docs/CLI.md). Commands throw it; `Gavel.main` prints it, once. A `Diagnostic`
/// thrown on its own is an input that could not be read (exit 3).
struct CommandFailure: Error {
    /// Printed as they are, one after another; the rendering (source line, caret) is the
    /// thrower's, since only it knows the sources and how to name them (`display`).
    var text: String
    var exit: ExitCode

    init(_ exit: ExitCode, text: String) {
        self.exit = exit
        self.text = text
    }

    /// One diagnostic, as `error[ID]: message` (with its location when it has one).
    init(_ exit: ExitCode, _ id: DiagnosticID, _ message: String, at location: SourceLocation? = nil) {
        self.init(exit, text: Diagnostic(id, message, at: location).description)
    }

    /// A command's input that could not be read or held nothing to do (exit 3).
    static func input(_ id: DiagnosticID, _ message: String, at location: SourceLocation? = nil) -> CommandFailure {
        CommandFailure(Exit.input, id, message, at: location)
    }

    /// A usage or policy error (exit 2).
    static func usage(_ id: DiagnosticID, _ message: String, at location: SourceLocation? = nil) -> CommandFailure {
        CommandFailure(Exit.usage, id, message, at: location)
    }

    /// Diagnostics rendered with their source lines, then "N errors in WHAT".
    static func rendered(_ exit: ExitCode, _ rendered: String, count: Int, in what: String) -> CommandFailure {
        CommandFailure(exit, text: rendered + "\n\(count) error\(count == 1 ? "" : "s") in \(what)")
    }

    /// The same failure with a prefix on its first line (`gavel collect: `).
    func prefixed(_ prefix: String) -> CommandFailure { CommandFailure(exit, text: prefix + text) }
}
