import GavelCore
import GavelHistory
import GavelResults

/// The evidence pack's `index.html`: the period, each control's operating effectiveness, the
/// exceptions, the sample, waivers that lapsed, manual controls and gaps, and how to verify
/// the pack. One page in the report's style that loads nothing from the network.
struct EvidenceHTML {
    let pack: EvidencePack
    let effectiveness: [ControlEffectiveness]
    let titles: [String: ResultsDocument.ControlEntry]
    let nights: [EvidenceNight]
    let sample: [EvidenceNight]
    let spanRules: [String: [String]]
    let waivers: [EvidencePack.WaiverRow]
    let attestations: [EvidencePack.AttestationRow]
    let gaps: [(ref: String, title: String)]
    let head: String
    let chainStart: Int64

    func esc(_ s: String) -> String { XMLText.escape(s) }

    func render() -> String {
        let period = "\(pack.since)..\(pack.until)"
        var out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<title>Evidence for \(esc(period)), Gavel</title>\n<style>\n\(HTMLReportAssets.css)\n</style>\n</head>\n<body>\n<main>\n"
        out += "<h1>Operating effectiveness, \(esc(period))</h1>\n"
        let missed = nights.filter { $0.run == nil }.count
        let effective = effectiveness.filter(\.operatedEffectively).count
        out += "<p>\(nights.count) expected nights (\(esc(pack.schedule.rawValue))), \(nights.count - missed) with a run, \(missed) missed. "
        out += "\(effectiveness.count) controls: \(effective) operated on every expected night, \(effectiveness.count - effective) with exceptions. "
        out += "A night is the last run that started that UTC day. The chain head at the period's last run is <span class=\"mono\">\(esc(head))</span>.</p>\n"

        out +=
            "<h2>Controls</h2>\n<table>\n<thead><tr><th>Control</th><th>Title</th><th>Expected</th><th>Evaluated</th><th>Pass</th><th>Fail</th><th>Error</th>"
        out += "<th>Missed</th><th>Exceptions</th><th>Operated effectively</th></tr></thead>\n<tbody>\n"
        for e in effectiveness {
            let title = titles[e.control].map { $0.title + ($0.manual ? " (manual)" : "") } ?? ""
            out += "<tr><td><a href=\"controls/\(esc(EvidencePack.fileName(e.control))).csv\">\(esc(e.control))</a></td><td>\(esc(title))</td>"
            out += "<td>\(e.expected)</td><td>\(e.evaluated)</td><td>\(e.count("pass"))</td><td>\(e.count("fail"))</td><td>\(e.count("error"))</td>"
            out += "<td>\(e.count("missing"))</td><td>\(e.exceptions.count)</td><td>\(e.operatedEffectively ? "yes" : "<strong>no</strong>")</td></tr>\n"
        }
        out += "</tbody>\n</table>\n"

        out += "<h2>Exceptions</h2>\n"
        let spans = effectiveness.flatMap(\.exceptions)
        if spans.isEmpty {
            out += "<p>None: every control operated on every expected night.</p>\n"
        } else {
            out += "<table>\n<thead><tr><th>Control</th><th>Kind</th><th>First night</th><th>Last night</th><th>Nights</th><th>Assets</th><th>Rules</th>"
            out += "<th>Remediated on</th><th>Days to remediate</th></tr></thead>\n<tbody>\n"
            for s in spans {
                out += "<tr><td>\(esc(s.control))</td><td>\(esc(s.kind))</td><td>\(s.first)</td><td>\(s.last)</td><td>\(s.nights)</td>"
                out += "<td>\(esc(s.assets.joined(separator: " ")))</td><td>\(esc((spanRules["\(s.control) \(s.first)"] ?? []).joined(separator: " ")))</td>"
                out += "<td>\(s.remediatedOn.map(\.description) ?? "not within the period")</td><td>\(s.daysToRemediate.map(String.init) ?? "")</td></tr>\n"
            }
            out += "</tbody>\n</table>\n"
        }

        out += "<h2>Sample</h2>\n"
        switch pack.sampling {
        case .none: out += "<p>No sample was drawn (<code>--sample N --seed X</code> or <code>--dates FILE</code>).</p>\n"
        case .random(let size, let seed):
            out +=
                "<p>\(sample.count) of the \(nights.count - missed) nights with a run, drawn with seed \(seed) (\(size) asked): the same seed gives the same nights.</p>\n"
        case .dates: out += "<p>The \(sample.count) nights the auditor chose.</p>\n"
        }
        if !sample.isEmpty {
            out += "<table>\n<thead><tr><th>Night</th><th>Run</th><th>Document</th><th>SHA-256</th></tr></thead>\n<tbody>\n"
            for n in sample {
                guard let r = n.run else { continue }
                let file = "sample/\(n.day)-run\(r.id).json"
                out +=
                    "<tr><td>\(n.day)</td><td>\(r.id)</td><td><a href=\"\(esc(file))\">\(esc(file))</a></td><td class=\"mono\">\(esc(r.documentSHA256))</td></tr>\n"
            }
            out += "</tbody>\n</table>\n"
        }

        let lapsed = waivers.filter { $0.expires >= pack.since && $0.expires < pack.until }
        out += "<h2>Waivers</h2>\n<p>\(waivers.count) waivers carried by the period's runs; \(lapsed.count) lapsed during the period "
        out += "(<a href=\"waivers.csv\">waivers.csv</a>).</p>\n"
        if !lapsed.isEmpty {
            out += "<ul>\n"
            for w in lapsed {
                out +=
                    "<li>\(esc(w.rule)) on \(esc(w.assets.joined(separator: " "))): stopped counting on \(w.expires.adding(days: 1)) (\(esc(w.reason)))</li>\n"
            }
            out += "</ul>\n"
        }
        let manual = effectiveness.filter { titles[$0.control]?.manual == true }
        if !manual.isEmpty {
            out += "<h2>Manual controls</h2>\n<p>Judged by attestation (<a href=\"attestations.csv\">attestations.csv</a>):</p>\n<ul>\n"
            for e in manual {
                let signed = attestations.filter { $0.control == e.control }.map {
                    "\($0.attestedBy) on \($0.date)" + ($0.expires.map { ", until \($0)" } ?? "")
                }
                out += "<li>\(esc(e.control)): \(signed.isEmpty ? "no attestation" : esc(signed.joined(separator: "; "))); "
                out += "\(e.count("fail")) nights without one in force</li>\n"
            }
            out += "</ul>\n"
        }
        out += "<h2>Gaps</h2>\n"
        out +=
            gaps.isEmpty
            ? "<p>None: every control has a rule or is manual.</p>\n"
            : "<p>\(gaps.count) controls have no rule and are not manual (<a href=\"gaps.csv\">gaps.csv</a>): \(esc(gaps.map(\.ref).joined(separator: ", "))).</p>\n"

        out += "<h2>Verifying this pack</h2>\n<p><code>gavel evidence verify FOLDER --head \(esc(String(head.prefix(16))))</code> checks every file against "
        out += "<code>manifest.json</code>, recomputes the chain entries in <code>chain.json</code> (runs \(chainStart) to the period's last), and checks each "
        out += "sampled document's SHA-256 against its run's entry. <code>gavel verify</code> checks a sampled document on its own; "
        out += "<code>gavel history verify --head HASH</code> checks the store itself against the head above. Files: "
        out += "<a href=\"summary.csv\">summary.csv</a>, <a href=\"exceptions.csv\">exceptions.csv</a>, <a href=\"population.csv\">population.csv</a>.</p>\n"
        out += "</main>\n<footer>Written by gavel \(ResultsDocument.toolVersion) from the history store. This page loads nothing from the network.</footer>\n"
        return out + "</body>\n</html>\n"
    }
}
