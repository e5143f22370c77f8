import Foundation

/// The rates added on top of a mentor's wage, from configuration.
public struct SubsidyRates: Sendable, Equatable {
    public var holidayPay: Decimal
    public var pension: Decimal
    public var employerTax: Decimal

    public static let standard = SubsidyRates(holidayPay: Decimal(string: "0.12")!, pension: Decimal(string: "0.02")!, employerTax: Decimal(string: "0.141")!)

    public init(holidayPay: Decimal, pension: Decimal, employerTax: Decimal) {
        self.holidayPay = holidayPay
        self.pension = pension
        self.employerTax = employerTax
    }
}

/// Mentor subsidy (mentortilskudd) per month: the mentor's hours times the hourly wage, plus
/// holiday pay, pension and employer tax, each on the sum before it. Decimal arithmetic; only the
/// result is rounded, to whole kroner.
public struct MentorSubsidy: Sendable, Equatable {
    public var base: Decimal
    public var holidayPay: Decimal
    public var pension: Decimal
    public var employerTax: Decimal
    /// Whole kroner.
    public var monthly: Int

    /// `hundredthHours` is hours × 100 (7.5 h = 750); `wageInOre` is kroner × 100.
    public init(hundredthHours: Int, wageInOre: Int, rates: SubsidyRates) {
        base = Decimal(hundredthHours) * Decimal(wageInOre) / 10_000
        holidayPay = base * rates.holidayPay
        pension = (base + holidayPay) * rates.pension
        employerTax = (base + holidayPay + pension) * rates.employerTax
        monthly = Self.wholeKroner(base + holidayPay + pension + employerTax)
    }

    /// The subsidy for the whole period: whole months at the monthly amount, and a last part-month
    /// by its share of that month's days, rounded to whole kroner.
    public func total(from start: Date, to end: Date) -> Int {
        Self.wholeKroner(Decimal(monthly) * Self.months(from: start, to: end))
    }

    /// The period from `start` to `end` (both days included) in months: 1 Jan–30 Jun is 6;
    /// 1–15 Jan is 15/31.
    static func months(from start: Date, to end: Date) -> Decimal {
        let calendar = RuleDuration.calendar
        let stop = calendar.date(byAdding: .day, value: 1, to: calendar.startOfDay(for: end))!
        guard stop > start else { return 0 }
        var whole = 0
        while let next = calendar.date(byAdding: .month, value: whole + 1, to: start), next <= stop { whole += 1 }
        let partStart = calendar.date(byAdding: .month, value: whole, to: start)!
        let days = calendar.dateComponents([.day], from: partStart, to: stop).day ?? 0
        let monthDays = calendar.range(of: .day, in: .month, for: partStart)?.count ?? 30
        return Decimal(whole) + Decimal(days) / Decimal(monthDays)
    }

    static func wholeKroner(_ amount: Decimal) -> Int {
        var value = amount
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, 0, .plain)
        return NSDecimalNumber(decimal: rounded).intValue
    }
}
