import ArgumentParser
import GavelEngine
import GavelReporters

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compile the policy set and report every error with file:line:column and an ID.",
        discussion: """
            Example:
              gavel check Policies
              gavel check Policies --format sarif --output check.sarif   # for code scanning
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, sarif }

    @OptionGroup var source: PolicyFolder
    var path: String { source.folder }

    @Option(help: "text (diagnostics with the source line) or sarif (SARIF 2.1.0).")
    var format: Format = .text

    @Option(name: [.short, .customLong("output")], help: "Write the report to this file (atomically) instead of stdout (sarif only; text goes to stderr).")
    var output: String?

    func validate() throws { try source.check(output: output) }

    func run() throws {
        guard format == .sarif else {
            let program = try compileOrExit(path)
            print(
                "\(path): \(program.files.count) files, \(program.rules.count) rules, \(program.catalogs.count) control catalogs, \(program.tests.count) tests: no errors"
                    + (program.warnings.isEmpty ? "" : " (\(program.warnings.count) warning\(program.warnings.count == 1 ? "" : "s"))"))
            return
        }
        let out = Compiler.compile(path: path)
        try emit(SARIFReporter().render(diagnostics: out.diagnostics), to: output)
        if out.program == nil { throw Exit.usage }
    }
}
