import Dispatch
import Foundation
import GavelCore
import GavelResults

/// A results document made from a run: its entries, waivers applied, controls rolled up and
/// judged, and the catalogs' coverage.
extension ResultsDocument {
    /// `asOf` defaults to the day the run started; `expiringWithin` 0 never warns.
    /// Pass the run with `consume` when it is not needed afterwards: each asset's outcomes are
    /// then freed as soon as its entries are made, instead of both being held at the peak.
    public init(run: consuming RunResult, failOn: Severity?, asOf: Day? = nil, expiringWithin: Int = 30) {
        var entries: [Entry] = []
        entries.reserveCapacity(run.assets.count * run.rules.count)
        // One controls list per rule, shared by all its entries (copy-on-write), not one per
        // entry: on a large fleet that is most of the document's memory.
        let controlLists = run.rules.map { $0.controls.map(\.description) }
        for ai in run.assets.indices {
            let outcomes = run.assets[ai].outcomes
            run.assets[ai].outcomes = []
            let name = run.assets[ai].name
            for (i, o) in outcomes.enumerated() {
                let r = run.rules[i]
                entries.append(
                    Entry(
                        rule: r.id, asset: name, verdict: o.verdict, severity: r.severity, controls: controlLists[i],
                        message: o.message, evidence: o.evidence, omitted: o.omitted))
            }
        }
        self.init(
            startedAt: run.startedAt, finishedAt: run.finishedAt, policyDigest: run.program.digest, policyFiles: run.program.files,
            parameters: run.program.parameters, disabled: run.program.disabled, snapshots: run.assets.flatMap(\.snapshots),
            inputErrors: run.inputErrors, failOn: failOn, jobs: run.jobs, rules: run.rules.map(RuleInfo.init), assets: run.assets.map(\.name),
            entries: entries, asOf: asOf ?? Day(run.startedAt), expiringWithin: expiringWithin)
        shard = run.shard
        applyWaivers(run.program.waivers, fleet: run.allAssets)
        controls = rollUp(run)
        judgeManualControls(run.program)
        coverage = ControlCoverage(program: run.program, asOf: self.asOf)
    }

    /// Per control and asset, then per control over the fleet (docs/LANGUAGE.md#controls-catalogs), from the
    /// entries' verdicts (so after waivers). Controls are rolled up on the run's jobs, each
    /// into its own slot, so the order is the same whatever the number of jobs.
    func rollUp(_ run: RunResult) -> [ControlEntry] {
        var byControl: [ControlRef: [Int]] = [:]
        for (i, r) in run.rules.enumerated() { for c in r.controls { byControl[c, default: []].append(i) } }
        let refs = byControl.keys.sorted().filter { run.program.control($0)?.manual != true }
        let slots = UnsafeMutableBufferPointer<ControlEntry?>.allocate(capacity: max(refs.count, 1))
        slots.initialize(repeating: nil)
        defer { _ = slots.deinitialize(); slots.deallocate() }
        nonisolated(unsafe) let out = slots
        let (doc, rules) = (self, byControl)
        let workers = max(1, min(run.jobs, refs.count))
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            for k in stride(from: w, to: refs.count, by: workers) { out[k] = doc.rollUp(refs[k], rules[refs[k]]!, run) }
        }
        return slots.prefix(refs.count).map { $0! }
    }

    /// One control: its verdict per asset and over the fleet, and the worst failing severity.
    private func rollUp(_ ref: ControlRef, _ ruleIdx: [Int], _ run: RunResult) -> ControlEntry {
        let control = run.program.control(ref)
        var perAsset: [ControlAsset] = []
        perAsset.reserveCapacity(run.assets.count)
        var worst: Severity?
        let ids = ruleIdx.map { run.rules[$0].id }
        for (ai, a) in run.assets.enumerated() {
            let base = ai * run.rules.count
            let vs = ruleIdx.map { entries[base + $0].verdict }
            perAsset.append(ControlAsset(asset: a.name, verdict: ControlVerdicts.combine(vs), ruleIDs: ids, verdicts: vs))
            for i in ruleIdx where entries[base + i].verdict == .fail {
                worst = max(worst ?? run.rules[i].severity, run.rules[i].severity)
            }
        }
        return ControlEntry(
            ref: ref, title: control?.title ?? ref.id, manual: false,
            verdict: ControlVerdicts.combine(perAsset.map(\.verdict)),
            rules: ids, assets: perAsset, note: nil, worstFailing: worst)
    }

    /// Manual controls are judged by attestations only: pass while one is in force, else fail
    /// ("not attested", or when the latest expired). Attestations of automated controls are
    /// listed beside them without changing their verdict.
    mutating func judgeManualControls(_ program: Program) {
        attestations = program.attestations.map {
            AttestationState(attestation: $0, status: ExceptionStatus.of(from: $0.date, until: $0.expires, on: asOf, window: expiringWithin))
        }
        var byControl: [ControlRef: [Int]] = [:]
        for (i, a) in program.attestations.enumerated() { byControl[a.control, default: []].append(i) }
        for i in controls.indices { controls[i].attestations = byControl[controls[i].ref] ?? [] }
        for cat in program.catalogs {
            for c in cat.controls where c.manual {
                let ref = ControlRef(framework: cat.framework, id: c.id)
                let mine = byControl[ref] ?? []
                let inForce = mine.filter { attestations[$0].status.inForce }
                let verdict: Verdict
                let note: String
                if let best = inForce.max(by: {
                    (attestations[$0].attestation.expires ?? Day(ordinal: .max)) < (attestations[$1].attestation.expires ?? Day(ordinal: .max))
                }) {
                    let a = attestations[best].attestation
                    verdict = .pass
                    note = "attested by \(a.attestedBy) on \(a.date)" + (a.expires.map { ", until \($0)" } ?? "")
                } else if let last = mine.filter({ attestations[$0].status == .expired }).max(by: {
                    attestations[$0].attestation.expires! < attestations[$1].attestation.expires!
                }) {
                    verdict = .fail
                    note = "attestation expired on \(attestations[last].attestation.expires!)"
                } else {
                    verdict = .fail
                    note = mine.isEmpty ? "not attested" : "attestation not valid until \(attestations[mine[0]].attestation.date)"
                }
                controls.append(
                    ControlEntry(
                        ref: ref, title: c.title, manual: true, verdict: verdict, rules: [], assets: [], note: note,
                        worstFailing: nil, attestations: mine))
            }
        }
        controls.sort { $0.ref < $1.ref }
    }
}
