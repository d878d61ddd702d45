#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The two UTC renderings SigV4 uses: `yyyyMMdd` and `yyyyMMdd'T'HHmmss'Z'`.
///
/// Computed arithmetically (days-from-civil, proleptic Gregorian) rather than with a
/// `DateFormatter`: it runs on every request and must not depend on locale or time zone.
struct SigV4Date: Sendable, Hashable {
    let date: String
    let dateTime: String

    init(_ instant: Date) {
        let seconds = Int64(instant.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = Self.civil(fromDays: days)
        let ymd = Self.pad(year, 4) + Self.pad(month, 2) + Self.pad(day, 2)
        let hms = Self.pad(secondOfDay / 3600, 2) + Self.pad(secondOfDay / 60 % 60, 2) + Self.pad(secondOfDay % 60, 2)
        self.date = ymd
        self.dateTime = ymd + "T" + hms + "Z"
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// Howard Hinnant's `civil_from_days`.
    private static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}
