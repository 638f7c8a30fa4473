import GavelCore

/// How rule verdicts roll up into control verdicts (docs/LANGUAGE.md#controls-catalogs).
public enum ControlVerdicts {
    /// fail if any fails; else error if any errs; else pass if any passes or is waived;
    /// else not_applicable.
    public static func combine<S: Sequence>(_ verdicts: S) -> Verdict where S.Element == Verdict {
        var sawError = false, sawPass = false
        for v in verdicts {
            switch v {
            case .fail: return .fail
            case .error: sawError = true
            case .pass, .waived: sawPass = true
            case .notApplicable: break
            }
        }
        return sawError ? .error : sawPass ? .pass : .notApplicable
    }
}
