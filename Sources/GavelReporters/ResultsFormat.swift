import GavelResults

/// The formats a run's results are written in (`gavel eval --format`), each by its reporter:
/// the one place a format's name meets the reporter that writes it. Every format is written
/// a piece at a time, so a fleet's report is never held whole.
public enum ResultsFormat: String, CaseIterable, Sendable {
    case text, json, junit, sarif, github, markdown, html

    /// What some formats need besides the document.
    public struct Context: Sendable {
        /// Colours for `text` on a terminal.
        public var style: Style
        /// Workers for writing `json` (its entries are written in parallel).
        public var jobs: Int
        /// The run before this one, for the `html` report's "since the previous run".
        public var previous: ResultsDocument?
        /// Why there is no previous run, when one was looked for.
        public var noPreviousRun: String?

        public init(style: Style = .plain, jobs: Int = 1, previous: ResultsDocument? = nil, noPreviousRun: String? = nil) {
            self.style = style
            self.jobs = jobs
            self.previous = previous
            self.noPreviousRun = noPreviousRun
        }
    }

    /// Writes `doc` in this format, as UTF-8, a piece at a time.
    public func write(_ doc: ResultsDocument, _ context: Context, to write: ([UInt8]) throws -> Void) throws {
        func text(_ s: String) throws { try write(Array(s.utf8)) }
        switch self {
        case .json: try doc.write(jobs: context.jobs, to: write)
        case .text: try TextReporter(style: context.style).render(doc, to: text)
        case .junit: try JUnitReporter().render(doc, to: text)
        case .sarif: try SARIFReporter().render(doc, to: write)
        case .github: try text(GitHubReporter().render(doc))
        case .markdown: try text(MarkdownReporter().render(doc))
        case .html:
            var model = AuditModel(doc, previous: context.previous)
            if let note = context.noPreviousRun { model.noPreviousRun = note }
            try HTMLReporter().render(model, to: text)
        }
    }
}
