import ArgumentParser
import Foundation
import GavelCore
import GavelEngine
import GavelReporters
import GavelResults

struct Coverage: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show, per framework, which controls have automated rules, which are manual and attested, and which have neither.",
        discussion: """
            Example:
              gavel coverage
              gavel coverage --policies Policies --format markdown -o coverage.md \\
                  --require-coverage
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, markdown }

    @Option(help: "Policy folder (or one policy file).")
    var policies = "Policies"

    @Option(help: "text, json (coverage/v1) or markdown.")
    var format: Format = .text

    @OptionGroup var out: ReportOutputOption
    var output: String? { out.output }

    @OptionGroup var asOf: AsOfOption

    @Flag(name: .customLong("require-coverage"), help: "Exit 1 when a control has neither rules nor an attestation in force.")
    var requireCoverage = false

    func validate() throws {
        var inputs = InputPaths()
        inputs.add(policies, reading: InputPaths.policyEndings)
        try inputs.check(output, "--output")
    }

    func run() throws {
        let program = try compileOrExit(policies, showWarnings: false)
        let coverage = ControlCoverage(program: program, asOf: asOf.day ?? Day(Date()))
        let r = CoverageReporter()
        switch format {
        case .text: try emit(r.text(coverage), to: output)
        case .json: try emit(r.json(coverage), to: output)
        case .markdown: try emit(r.markdown(coverage), to: output)
        }
        if requireCoverage && coverage.gaps > 0 { throw Exit.failing }
    }
}
