import Foundation

/// The parts of a Dockerfile the deployment test checks: its stages, its exec-form `ENTRYPOINT` and its `ENV` names.
struct Dockerfile {
    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    /// The last `ENTRYPOINT`, which is the one that counts.
    let entrypoint: [String]
    /// How many `FROM` lines: a multi-stage build has at least two.
    let stages: Int
    /// Names set by `ENV NAME=value` lines.
    let environment: [String]

    init(contentsOf url: URL) throws {
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        self.stages = lines.filter { $0.hasPrefix("FROM ") }.count
        self.environment = lines.filter { $0.hasPrefix("ENV ") }.flatMap { line in
            line.dropFirst(4).split(separator: " ").compactMap { $0.split(separator: "=").first.map(String.init) }
        }
        guard let entrypoint = lines.last(where: { $0.hasPrefix("ENTRYPOINT ") }),
            let arguments = try JSONSerialization.jsonObject(with: Data(entrypoint.dropFirst("ENTRYPOINT ".count).utf8)) as? [String]
        else { throw Invalid(description: "\(url.path) has no exec-form ENTRYPOINT") }
        self.entrypoint = arguments
    }
}
