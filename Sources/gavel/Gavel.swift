import ArgumentParser
import Foundation
import GavelCore

@main
struct Gavel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gavel",
        abstract: "Policy-as-code checks for PHP, nginx, WordPress, Magento and Shopify hosting.",
        discussion: """
            Exit codes: 0 nothing failing at or above --fail-on; 1 failing verdicts or tests; \
            2 usage or policy errors; 3 unreadable inputs or nothing evaluated.
            """,
        version: "0.1.0",
        subcommands: [
            Eval.self, Merge.self, Check.self, Test.self, Diff.self, Coverage.self, Report.self, Verify.self, History.self, Evidence.self, Fix.self,
            ExplainCommand.self,
            Collect.self,
            SchemaCommand.self,
        ]
    )

    /// Same as ArgumentParser's main, except that usage errors exit 2 (docs/CLI.md), not 64,
    /// and a command's failure (`CommandFailure`, or a `Diagnostic`) is printed here, once.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let failure as CommandFailure {
            printError(failure.text)
            Foundation.exit(failure.exit.rawValue)
        } catch let diagnostic as Diagnostic {
            printError(diagnostic.description)
            Foundation.exit(Exit.input.rawValue)
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
