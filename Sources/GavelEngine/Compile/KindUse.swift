import GavelCore

/// Kinds as policies name them. Any name of the form `[a-z][a-z0-9_-]*` is a kind: the seven
/// built-in ones have the collectors' schemas; another has the schema the policy set
/// declares in `schemas/KIND.schema.json`, or none (its paths are checked for syntax only).
/// A name that is not a kind name is an error; a kind with no schema whose name is close to
/// one that has a schema (or to a kind the set uses more often) is a warning with "did you
/// mean", since it is most likely a typo that would make its rules never apply.
extension CompileSession {
    /// The kind's number, or nil (with an error) for a name that cannot be a kind.
    func useKind(_ name: String, at location: SourceLocation, _ what: String) -> Int? {
        guard SnapshotKinds.isValidName(name) else {
            diags.error(
                .unknownKind,
                "\(what) '\(name)', which is not a kind name (lowercase letters, digits, '-' and '_', starting with a letter)"
                    + Suggest.hint(for: name.lowercased(), in: SnapshotKinds.builtIn + userSchemas.keys.sorted()), at: location)
            return nil
        }
        guard let index = SnapshotKinds.intern(name) else {
            diags.error(
                .tooManyKinds, "'\(name)' would be kind number \(SnapshotKinds.capacity + 1); at most \(SnapshotKinds.capacity) kinds can be used at once",
                at: location)
            return nil
        }
        if !SnapshotKinds.isBuiltIn(name) {
            kindUses[name, default: (0, location)].count += 1
        }
        return index
    }

    /// The schema of a kind: the collectors' for the built-in kinds, the policy set's own for
    /// others, nil when there is none.
    func schema(of kind: String) -> SchemaType? {
        userSchemas[kind]?.type ?? schemas(kind)
    }

    /// After the rules and tests: kinds without a schema whose names look like typos.
    func warnAboutKindTypos() {
        let withSchema = SnapshotKinds.builtIn + userSchemas.keys.sorted()
        for (name, use) in kindUses.sorted(by: { $0.key < $1.key }) where userSchemas[name] == nil {
            let likelier = withSchema + kindUses.filter { $0.value.count > use.count }.map(\.key).sorted()
            let hint = Suggest.hint(for: name, in: likelier)
            guard !hint.isEmpty else { continue }
            diags.add(
                Diagnostic(
                    .unknownKind, "kind '\(name)' has no schema and no collector makes it\(hint)", at: use.location, level: .warning,
                    notes: ["a kind of your own is fine: declare its schema in schemas/\(name).schema.json to have its paths checked"]))
        }
    }
}
