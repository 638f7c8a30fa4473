import ArgumentParser
import GavelCore
import GavelEngine
import GavelPolicyReporters
import GavelReporters

struct Test: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the policy tests and report rule coverage.",
        discussion: """
            Example:
              gavel test Policies --require-coverage
              gavel test Policies --format junit --output policy-tests.xml
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, junit }

    @OptionGroup var source: PolicyFolder
    var path: String { source.folder }

    @Flag(help: "Always print the coverage report.")
    var coverage = false

    @Flag(name: .customLong("require-coverage"), help: "Exit 1 when a rule lacks a passing or a failing test.")
    var requireCoverage = false

    @Option(help: "text, or junit (JUnit XML: a suite per test, a case per expected verdict).")
    var format: Format = .text

    @Option(name: [.short, .customLong("output")], help: "Write the report to this file (atomically) instead of stdout.")
    var output: String?

    func validate() throws { try source.check(output: output) }

    func run() throws {
        let program = try compileOrExit(path, showWarnings: false)
        if program.tests.isEmpty {
            throw CommandFailure.input(.noTests, "\(path) has no tests (add 'tests:' to a policy file or a 'gavel: tests/v1' file)")
        }
        let report = TestRunner.run(program)
        switch format {
        case .text:
            try emit(TestReporter(style: output == nil ? terminalStyle(1) : .plain).render(report, coverage: coverage || requireCoverage), to: output)
        case .junit:
            try emit(TestJUnitReporter().render(report), to: output)
            if requireCoverage && report.hasCoverageGap {
                printError(TestReporter(style: .plain).render(report, coverage: true))
            }
        }
        if !report.failures.isEmpty || (requireCoverage && report.hasCoverageGap) { throw Exit.failing }
    }
}
