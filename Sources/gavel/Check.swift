import ArgumentParser
import GavelEngine

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compile the policy set and report every error with file:line:column and an ID.",
        discussion: """
        Example:
          gavel check Policies
        """
    )

    @Argument(help: "Policy folder (or one policy file).")
    var path = "Policies"

    func run() throws {
        let program = try compileOrExit(path)
        print("\(path): \(program.files.count) files, \(program.rules.count) rules, \(program.catalogs.count) control catalogs, \(program.tests.count) tests: no errors"
              + (program.warnings.isEmpty ? "" : " (\(program.warnings.count) warnings)"))
    }
}
