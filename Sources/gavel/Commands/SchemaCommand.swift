import ArgumentParser
import Foundation
import GavelCore

struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print a built-in snapshot kind's JSON Schema (draft 2020-12).",
        discussion: """
            The schema of a whole snapshot document of that kind, with its data in $defs/data: what \
            docs/snapshots/KIND.schema.json holds, for editors that validate snapshots, and a start \
            for the schema of a kind of your own (copied to the policy set's schemas/KIND.schema.json).

            Examples:
              gavel schema php > php.schema.json
              gavel schema hosting | python3 -m json.tool
            """
    )

    @Argument(help: "One of hosting, php, nginx, wordpress, magento, shopify.")
    var kind: String

    func validate() throws {
        guard SnapshotSchemas.schema(for: kind) != nil else {
            throw ValidationError(
                "'\(kind)' is not a built-in kind\(Suggest.hint(for: kind, in: SnapshotKinds.builtIn)); built-in kinds: \(SnapshotKinds.builtIn.joined(separator: ", "))"
            )
        }
    }

    func run() throws {
        print(JSONWriter.string(JSONSchemaExport.document(kind: kind, data: SnapshotSchemas.schema(for: kind)!), pretty: true))
    }
}
