// CPU time of the processes a benchmark runs: this one, its children (the broker), another process tree (a
// PostgreSQL server pg_ctl detached), and the whole machine — from getrusage and /proc.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// CPU seconds (user + system) used so far by this process and by its running children (the brokers).
struct CPUTime {
    var own: Double
    var children: Double

    static func now() -> CPUTime {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let own = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        return CPUTime(own: own, children: childProcessSeconds())
    }

    static func - (lhs: CPUTime, rhs: CPUTime) -> CPUTime {
        CPUTime(own: lhs.own - rhs.own, children: lhs.children - rhs.children)
    }

    /// CPU seconds the whole machine has been busy, all cores: `/proc/stat`'s user, nice, system, irq,
    /// softirq and steal (time the hypervisor gave to other guests counts as other load too).
    static func machineBusySeconds() -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let line = stat.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") }) else { return 0 }
        let ticks = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard ticks.count >= 8 else { return 0 }
        let busy = ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6] + ticks[7]
        return busy / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// utime + stime of the processes listed in `/proc/self/task/*/children` (0 where unreadable).
    static func childProcessSeconds() -> Double {
        children(of: "self").reduce(0) { $0 + seconds(pid: $1, reaped: false) }
    }

    /// utime + stime of `pid`, of its children already reaped (cutime + cstime) and of every live descendant:
    /// a server's whole tree (PostgreSQL's postmaster and its backends).
    static func treeSeconds(pid: Int32) -> Double {
        var total = seconds(pid: "\(pid)", reaped: true)
        var queue = children(of: "\(pid)")
        var seen = Set<String>()
        while let next = queue.popLast() {
            guard seen.insert(next).inserted else { continue }
            total += seconds(pid: next, reaped: true)
            queue += children(of: next)
        }
        return total
    }

    private static func children(of pid: String) -> [String] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        var pids = Set<String>()
        for task in tasks {
            let list = (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/children", encoding: .utf8)) ?? ""
            pids.formUnion(list.split(separator: " ").map(String.init))
        }
        return Array(pids)
    }

    /// A process's own CPU seconds, plus its reaped children's with `reaped`.
    private static func seconds(pid: String, reaped: Bool) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        // Fields after the command: state is field 3; utime 14, stime 15, cutime 16, cstime 17.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 14, let user = Double(fields[11]), let system = Double(fields[12]),
              let childUser = Double(fields[13]), let childSystem = Double(fields[14]) else { return 0 }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return (user + system + (reaped ? childUser + childSystem : 0)) / ticks
    }

    /// The 1-, 5- and 15-minute load averages (`/proc/loadavg`), empty where unavailable.
    static func loadAverage() -> [Double] {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return [] }
        return text.split(separator: " ").prefix(3).compactMap { Double($0) }
    }
}
