import Foundation
import GavelCore
import GavelEngine
import GavelJSON

// gavel-bench: generates a deterministic fleet and reports throughput figures.
// It reports; it never passes or fails.
//
//   gavel-bench [--assets N] [--dir DIR] [--policies Policies] [--jobs N] [--only all|evaluation|compliant] [--repeat N]

let args = Array(CommandLine.arguments.dropFirst())
func option(_ name: String, _ def: String) -> String {
    if let i = args.firstIndex(of: name), i + 1 < args.count { return args[i + 1] }
    return def
}
let assetCount = Int(option("--assets", "10000"))!
let dir = option("--dir", "/tmp/gavel-bench-fleet")
let policies = option("--policies", "Policies")
let jobs = Int(option("--jobs", String(ProcessInfo.processInfo.activeProcessorCount)))!
/// Assets used by the one-core phases.
let sample = min(assetCount, 2000)
/// `--only evaluation` skips the other phases, `--only compliant` also the generated fleet
/// (for profiling the pass path).
let only = option("--only", "all")
/// Passes over the loaded assets in the evaluation phase (raise it when profiling).
let repeats = Int(option("--repeat", "5"))!

/// A SplitMix64 generator: the same fleet on every machine.
struct Rng { var s: UInt64; mutating func next() -> UInt64 { s &+= 0x9E3779B97F4A7C15; var z = s; z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9; z = (z ^ (z >> 27)) &* 0x94D049BB133111EB; return z ^ (z >> 31) }
    mutating func pick<T>(_ xs: [T]) -> T { xs[Int(next() % UInt64(xs.count))] } }

/// One asset's php and nginx snapshots. With `compliant`, every starter rule passes.
func generate(_ i: Int, compliant: Bool = false) -> (php: String, nginx: String) {
    var r = Rng(s: UInt64(i))
    func pick<T>(_ xs: [T]) -> T { compliant ? xs[0] : r.pick(xs) }
    let name = "site-\(i).example.com"
    var ini: [(String, Value)] = [
        ("session.cookie_secure", .string(pick(["1", "0", "On"]))), ("session.cookie_httponly", .string(r.pick(["1", "On"]))),
        ("session.use_strict_mode", .string(pick(["1", "0"]))), ("session.gc_maxlifetime", .string(pick(["1440", "86400", "30m"]))),
        ("expose_php", .string(pick(["Off", "On"]))), ("display_errors", .string(pick(["Off", "On"]))), ("log_errors", "On"),
        ("allow_url_include", "Off"),
    ]
    // Filler directives and extensions so each asset is about 50 KB, like a full php.ini dump.
    for k in 0..<420 { ini.append(("ext\(k % 40).directive_\(k)", .string("value-\(r.next() % 100000)"))) }
    var prov: [(String, Value)] = []
    for (k, (key, _)) in ini.enumerated() where k < 300 { prov.append(("/ini/\(key)", .string("/etc/php/8.2/fpm/php.ini:\(k * 3 + 10)"))) }
    let php: Value = .object([("gavel", "snapshot/v1"), ("asset", .string(name)), ("kind", "php"), ("collected_at", "2026-11-21T02:00:04Z"),
                              ("data", .object([("version", .string(pick(["8.2.7", "7.4.33", "8.3.1"]))), ("sapi", "fpm-fcgi"), ("ini", .object(ini))])),
                              ("provenance", .object(prov))])
    var servers: [Value] = []
    for s in 0..<4 {
        let ssl = s % 2 == 0
        servers.append(.object([
            ("names", .array([.string(name)])), ("ssl", .bool(ssl)),
            ("ssl_protocols", .array(pick([["TLSv1.2", "TLSv1.3"], ["TLSv1", "TLSv1.2"]]).map { .string($0) })),
            ("server_tokens", .string(pick(["off", "on"]))), ("redirects_to_https", .bool(!ssl)),
            ("headers", .object([("strict-transport-security", .object([("value", "max-age=63072000"), ("always", true)])),
                                 ("x-content-type-options", .object([("value", "nosniff"), ("always", true)]))])),
            ("locations", .array((0..<12).map { l in .object([("match", .string("/path-\(l)")), ("autoindex", .bool(!compliant && r.next() % 50 == 0)),
                                                               ("fastcgi_param", .string("PHP_VALUE upload_max_filesize=\(l)M"))]) })),
        ]))
    }
    let nginx: Value = .object([("gavel", "snapshot/v1"), ("asset", .string(name)), ("kind", "nginx"),
                                ("data", .object([("version", "1.22.1"), ("servers", .array(servers))]))])
    return (JSONWriter.string(php), JSONWriter.string(nginx))
}

func rssMB() -> Double {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
    return (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
}

let fm = FileManager.default
if !fm.fileExists(atPath: dir + "/site-\(assetCount - 1).example.com/nginx.json") {
    let t0 = Date()
    DispatchQueue.concurrentPerform(iterations: assetCount) { i in
        let (php, nginx) = generate(i)
        let d = dir + "/site-\(i).example.com"
        try! fm.createDirectory(atPath: d, withIntermediateDirectories: true)
        try! php.write(toFile: d + "/php.json", atomically: false, encoding: .utf8)
        try! nginx.write(toFile: d + "/nginx.json", atomically: false, encoding: .utf8)
    }
    print(String(format: "generated %d assets in %@ (%.1f s)", assetCount, dir, Date().timeIntervalSince(t0)))
}

// 1. Compile time (median of 20).
var compileTimes: [Double] = []
var program: Program!
for _ in 0..<20 {
    let t = Date()
    program = Compiler.compile(path: policies).program
    compileTimes.append(Date().timeIntervalSince(t))
}
compileTimes.sort()
print(String(format: "compile:            %.1f ms (median of 20, %d rules)", compileTimes[10] * 1000, program.rules.count))

if only == "all" {
// 2. Full run: plan, load, parse, evaluate, roll up (what `gavel eval` does).
let t1 = Date()
let run = Runner.run(program, SnapshotPlan.make([dir]), jobs: jobs)
let doc = ResultsDocument(run: run, failOn: .info)
let wall = Date().timeIntervalSince(t1)
let mb = Double(run.bytesParsed) / 1e6
print(String(format: "full run:           %d assets, %.0f MB in %.2f s wall (%d jobs): %.0f assets/s, %.1f MB/s, %d rule evaluations",
             run.assets.count, mb, wall, jobs, Double(run.assets.count) / wall, mb / wall, doc.entries.count))
print(String(format: "peak RSS so far:    %.0f MB", rssMB()))

// 3. jansson alone on the same files (one core), for comparison.
var files: [Data] = []
for i in 0..<sample { for k in ["php", "nginx"] { files.append(fm.contents(atPath: dir + "/site-\(i).example.com/\(k).json")!) } }
let sampleBytes = files.reduce(0) { $0 + $1.count }
let t2 = Date()
for f in files { _ = f.withUnsafeBytes { try? JSONDocument.parse($0) } }
let janssonRate = Double(sampleBytes) / 1e6 / Date().timeIntervalSince(t2)
print(String(format: "jansson parse only: %.1f MB/s on one core (%d files)", janssonRate, files.count))

}

// 4. Rule evaluation on already-loaded assets (one core): the generated fleet (about 40% of
//    its rule evaluations fail, and a failing rule collects evidence), then a compliant fleet
//    made by the same generator (every rule passes, the common case of a nightly run).
let rules = program.enabledRules

func evaluationRate(_ assets: [LoadedAsset]) -> (rate: Double, failing: Double) {
    var evals = 0, failing = 0
    let t = Date()
    for _ in 0..<repeats {
        for a in assets {
            for r in rules {
                if RuleEvaluator.evaluate(r, on: a.view).verdict != .pass { failing += 1 }
                evals += 1
            }
        }
    }
    return (Double(evals) / Date().timeIntervalSince(t), Double(failing) / Double(evals))
}

var mixed: [LoadedAsset] = []
for u in SnapshotPlan.make([dir]).units.prefix(sample) { if case .success(let a) = u.load() { mixed.append(a) } }
var compliant: [LoadedAsset] = []
for i in 0..<sample {
    let (php, nginx) = generate(i, compliant: true)
    let snaps = [php, nginx].map { text in Array(text.utf8).withUnsafeBytes { try! LoadedSnapshot.parse($0, source: "memory").get() } }
    compliant.append(try! LoadedAsset.merge(snaps).get())
}
let m = only == "compliant" ? (rate: 0.0, failing: 0.0) : evaluationRate(mixed)
if only != "compliant" {
print(String(format: "evaluation only:    %.2f million rule evaluations/s on one core, generated fleet (%.0f%% not passing; %d assets x %d rules x %d)",
             m.rate / 1e6, m.failing * 100, mixed.count, rules.count, repeats))
}
let c = evaluationRate(compliant)
print(String(format: "evaluation only:    %.2f million rule evaluations/s on one core, compliant fleet (%.0f%% not passing)", c.rate / 1e6, c.failing * 100))
