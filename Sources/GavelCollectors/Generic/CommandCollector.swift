import Foundation
import GavelCore
import GavelJSON

/// `gavel collect command`: a program of your own (any language) prints a JSON object on
/// standard output and Gavel wraps it in the snapshot envelope. The object is `data`, or,
/// when it says `"gavel": "collector/v1"`, it carries `data` and optionally `provenance`
/// (JSON Pointer -> "file:line") and `unavailable` (JSON Pointer -> reason). The program runs
/// with Gavel's minimal environment (PATH and LC_ALL=C, plus the variables named with
/// `--env`), in its own process group, stopped after `timeout` seconds. A non-zero exit,
/// output that is not such an object, or a timeout is an error and no snapshot.
public struct CommandCollector {
    public var program: String
    public var arguments: [String]
    public var timeout: TimeInterval = 60
    /// Variables of Gavel's environment the program gets too.
    public var keepEnvironment: [String] = []

    public init(program: String, arguments: [String]) {
        self.program = program
        self.arguments = arguments
    }

    public func collect(into b: inout SnapshotBuilder) throws -> Value {
        let r = try Subprocess.run(program, arguments, timeout: timeout, environment: ChildEnvironment.minimal(keeping: keepEnvironment))
        guard r.status == 0 else {
            let tail = r.stderr.split(whereSeparator: \.isNewline).suffix(3).joined(separator: " / ")
            throw Diagnostic(.commandFailed, "\(program) exited with status \(r.status)" + (tail.isEmpty ? "" : ": \(tail)"))
        }
        let doc: JSONDocument
        do { doc = try JSONDocument.parse(r.stdout) } catch {
            throw Diagnostic(.commandOutput, "\(program) did not print JSON: \(error.message) (line \(error.line), column \(error.column) of its output)")
        }
        let root = doc.rootNode.toValue()
        guard case .object(let members) = root else {
            throw Diagnostic(.commandOutput, "\(program) printed JSON that is not an object; print {\"key\": ...} (it becomes the snapshot's data)")
        }
        guard members.first(where: { $0.key == "gavel" })?.value == .string("collector/v1") else { return root }
        let allowed = ["gavel", "data", "provenance", "unavailable"]
        if let extra = members.first(where: { !allowed.contains($0.key) }) {
            throw Diagnostic(
                .commandOutput, "\(program) printed a collector/v1 object with '\(extra.key)'; it may have \(allowed.joined(separator: ", "))")
        }
        guard case .object? = root["data"] else {
            throw Diagnostic(.commandOutput, "\(program) printed a collector/v1 object whose 'data' is missing or not an object")
        }
        for key in ["provenance", "unavailable"] {
            guard let map = root[key] else { continue }
            guard case .object(let entries) = map else { throw Diagnostic(.commandOutput, "'\(key)' must be an object of JSON Pointer -> text") }
            for e in entries {
                guard e.key.hasPrefix("/"), let text = e.value.stringValue else {
                    throw Diagnostic(.commandOutput, "'\(key)' entry '\(e.key)' must map a JSON Pointer (starting with /) to a string")
                }
                if key == "provenance" { b.source(e.key, text) } else { b.unavailable(e.key, text) }
            }
        }
        return root["data"]!
    }
}
