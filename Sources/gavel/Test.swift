import ArgumentParser
import GavelEngine
import GavelReporters

struct Test: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the policy tests (section 9) and report rule coverage.",
        discussion: """
        Example:
          gavel test Policies --require-coverage
        """
    )

    @Argument(help: "Policy folder (or one policy file).")
    var path = "Policies"

    @Flag(help: "Always print the coverage report.")
    var coverage = false

    @Flag(name: .customLong("require-coverage"), help: "Exit 1 when a rule lacks a passing or a failing test.")
    var requireCoverage = false

    func run() throws {
        let program = try compileOrExit(path, showWarnings: false)
        if program.tests.isEmpty {
            printError("error: \(path) has no tests (add 'tests:' to a policy file or a 'gavel: tests/v1' file)")
            throw Exit.input
        }
        let report = TestRunner.run(program)
        print(TestReporter(style: terminalStyle(1)).render(report, coverage: coverage || requireCoverage), terminator: "")
        if !report.failures.isEmpty || (requireCoverage && report.hasCoverageGap) { throw Exit.failing }
    }
}
