import ArgumentParser
import GavelCore
import GavelEngine
import GavelPolicyReporters

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show a rule: title, severity, controls, the check in words, and the remediation.",
        discussion: """
            Example:
              gavel explain PHP-SESS-001
            """
    )

    @Argument(help: "Rule id.")
    var rule: String

    @Option(help: "Policy folder (or one policy file).")
    var policies = "Policies"

    func run() throws {
        let program = try compileOrExit(policies, showWarnings: false)
        guard let r = program.rule(rule) else {
            throw CommandFailure.usage(.unknownRule, "no rule '\(rule)' in \(policies)\(Suggest.hint(for: rule, in: program.rules.map(\.id)))")
        }
        print(Explain.text(r, program), terminator: "")
    }
}
