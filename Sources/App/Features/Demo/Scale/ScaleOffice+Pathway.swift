import Foundation

extension ScaleOffice {
    /// A pathway's story: referral, first conversation, mapping, employer contacts, maybe a
    /// placement with its agreement(s), follow-up of candidate, mentor and employer, and for a
    /// closed one the outcome. Gaps are left on purpose (no visit before use, no evaluation) so the
    /// criteria and alerts have something to show.
    mutating func buildPathway(_ plan: PathwayPlan, candidateID: UUID, counselor: UUID) -> PathwayRows {
        let key: String = plan.hybrid ? "hybridmodellen"
            : rng.weighted([("supported-employment", 4.0), ("hybridmodellen", 3.0), ("tromsopakken", 2.0), ("snart-ansatt", 1.0)])
        let (modelID, model) = run.models[key] ?? run.models.values.sorted { $0.model.key < $1.model.key }[0]
        let r = plan.referralDaysAgo
        var rows = PathwayRows(plan: plan, now: now, modelID: modelID, model: model, referral: day(r, hour: 9), referrer: rng.pick(ScaleNames.referrers))
        // Before the pathway closed (closed ones), or up to noon of the anchor day (open ones).
        func inside(_ d: Int) -> Bool { plan.closeDaysAgo.map { d > $0 } ?? (d >= 0) }

        rows.event(rng.uuid(), .referralReceived, at: rows.referral, note: rows.referrer)
        rows.transitions.append(.init(id: rng.uuid(), kind: .start, from: nil, to: rows.step, at: rows.referral))
        let first = r - rng.int(3...12)
        if inside(first) {
            let id = rows.event(rng.uuid(), .firstConversation, at: day(first, hour: 10))
            rows.meetings.append(.init(id: rng.uuid(), type: .mapping, at: day(first, hour: 10), roles: [.candidate], held: true, event: id))
        }
        switch model.key {
        case "tromsopakken":
            let decision = r - rng.int(10...35), start = r - rng.int(30...80)
            if inside(decision) { rows.event(rng.uuid(), .decision, at: day(decision, hour: 11)) }
            if inside(start) { rows.event(rng.uuid(), .programStart, at: day(start, hour: 9)) }
        case "snart-ansatt":
            let plan = r - rng.int(12...40), relevance = r - rng.int(14...100)
            if inside(plan) { rows.event(rng.uuid(), .planAgreed, at: day(plan, hour: 11)) }
            if inside(relevance) { rows.event(rng.uuid(), .relevanceDecision, at: day(relevance, hour: 11)) }
        default:
            let profile = r - rng.int(10...30), guidance = r - rng.int(14...35)
            if inside(profile) { rows.event(rng.uuid(), .vocationalProfile, at: day(profile, hour: 11)) }
            if inside(guidance) {
                let id = rows.event(rng.uuid(), .careerGuidance, at: day(guidance, hour: 10))
                rows.meetings.append(.init(id: rng.uuid(), type: .careerGuidance, at: day(guidance, hour: 10), roles: [.candidate], held: true, event: id))
            }
        }
        if inside(r - 14) { rows.changeStep(ids: (rng.uuid(), rng.uuid()), to: 1, at: day(r - 14, hour: 15)) }
        for _ in 0..<rng.int(2...6) {
            let at = r - rng.int(15...60)
            if inside(at) { rows.event(rng.uuid(), .employerContact, at: day(at, hour: 12, minute: rng.int(0...59)), employer: rng.pick(employers)) }
        }
        if inside(r - 20) { rows.changeStep(ids: (rng.uuid(), rng.uuid()), to: 2, at: day(r - 20, hour: 15)) }

        var hired = false
        if plan.agreement {
            hired = placement(plan, rows: &rows, counselor: counselor, inside: inside)
        }
        // A contact with the candidate every one to three weeks.
        var at = r - rng.int(4...10)
        while inside(at) {
            let channel: ContactChannel = rng.weighted([(.phone, 5), (.navOffice, 3), (.video, 1), (.message, 2)])
            rows.contacts.append(.init(id: rng.uuid(), at: day(at, hour: 13, minute: rng.int(0...59)), channel: channel, party: .candidate,
                                       note: rng.pick(ScaleNames.candidateNotes), event: nil))
            at -= rng.int(6...16)
        }
        if let close = plan.closeDaysAgo {
            let closedAt = day(close, hour: 14)
            let outcome: Pathway.Outcome = hired ? .ordinaryWork
                : rng.weighted([(.subsidisedWork, 2), (.education, 1), (.betterEquipped, 3), (.notRelevant, 1), (.droppedOut, 2), (.apprenticeship, 1)])
            rows.closedAt = closedAt
            rows.outcome = outcome
            rows.transitions.append(.init(id: rng.uuid(), kind: .close, from: rows.step, to: nil, at: closedAt))
            rows.event(rng.uuid(), .pathwayClosed, at: closedAt, note: outcome.rawValue)
        } else {
            // Most hybrid candidates have their next meeting booked; some do not (an alert).
            if rng.chance(plan.hybrid ? 0.85 : 0.3) {
                let placed = !rows.agreements.isEmpty
                rows.meetings.append(.init(id: rng.uuid(), type: placed ? .evaluation : .status, at: day(-rng.int(3...20), hour: 10),
                                           roles: placed ? [.candidate, .mentor, .employer] : [.candidate], held: false, event: nil))
            }
            if plan.hybrid {
                rows.hybridSince = day(max(1, r - rng.int(7...30)), hour: 9)
            }
        }
        return rows
    }

    /// A work-training placement with its agreement (and a mentor agreement for hybrid follow-up).
    /// Returns whether the candidate was hired afterwards.
    private mutating func placement(_ plan: PathwayPlan, rows: inout PathwayRows, counselor: UUID, inside: (Int) -> Bool) -> Bool {
        let r = plan.referralDaysAgo
        let mentor = plan.mentor ? rng.pick(mentors) : nil
        let employer = mentor?.employer ?? rng.pick(employers)
        if rng.chance(0.85) {
            let visit = r - rng.int(25...34)
            if inside(visit) { rows.event(rng.uuid(), .employerVisit, at: day(visit, hour: 12), employer: employer) }
        }
        let startDays = r - rng.int(35...75)
        var endDays = startDays - rng.int(90...180) + 1
        if let close = plan.closeDaysAgo { endDays = max(endDays, close + rng.int(1...20)) }
        guard endDays < startDays, inside(startDays + 10) else { return false }
        let start = calendar.startOfDay(for: day(startDays, hour: 12))
        let end = calendar.startOfDay(for: day(endDays, hour: 12))
        let created = day(startDays + 10, hour: 11)
        let approved = day(startDays + 5, hour: 14)
        var types: [(AgreementType, UUID?)] = [(.workTraining, nil)]
        if let mentor { types.append((.mentor, mentor.id)) }
        for (type, mentorID) in types {
            let agreement = PathwayRows.AgreementRow(id: rng.uuid(), type: type, employer: employer, start: start, end: end, mentor: mentorID,
                                                     created: created, approved: approved, versionID: rng.uuid(), approvalIDs: (rng.uuid(), rng.uuid()))
            rows.agreements.append(agreement)
            // The events `AgreementEvents.sync` writes from an approved agreement.
            for expected in AgreementTimeline.expected(type: type, approved: .init(start: start, end: end, extensions: []), annulled: nil, now: now) {
                rows.event(rng.uuid(), expected.type, at: expected.day, employer: employer, agreement: agreement.id, note: type.rawValue)
            }
        }
        if let mentor {
            rows.pathwayMentor = (rng.uuid(), mentor.id, start, plan.closeDaysAgo == nil ? nil : end)
        }
        guard inside(startDays) else { return false }
        rows.changeStep(ids: (rng.uuid(), rng.uuid()), to: 3, at: day(startDays + 5, hour: 15))
        if inside(startDays - 1) && rng.chance(0.85) {
            rows.event(rng.uuid(), .firstWorkdayContact, at: day(startDays - 1, hour: 10), employer: employer)
        }
        if inside(startDays - 2) { rows.changeStep(ids: (rng.uuid(), rng.uuid()), to: 4, at: day(startDays - 2, hour: 15)) }
        if rng.chance(0.8) {
            let evaluation = startDays - rng.int(14...40)
            if inside(evaluation) && evaluation > endDays {
                let id = rows.event(rng.uuid(), .evaluationMeeting, at: day(evaluation, hour: 10), employer: employer)
                rows.meetings.append(.init(id: rng.uuid(), type: .evaluation, at: day(evaluation, hour: 10),
                                           roles: mentor == nil ? [.candidate, .employer] : [.candidate, .mentor, .employer], held: true, event: id))
            }
        }
        if mentor != nil {
            var at = startDays - 7
            while inside(at) && at > endDays {
                let id = rows.event(rng.uuid(), .mentorContact, at: day(at, hour: 14, minute: rng.int(0...59)))
                rows.contacts.append(.init(id: rng.uuid(), at: rows.events.last!.at, channel: .phone, party: .mentor, note: rng.pick(ScaleNames.mentorNotes), event: id))
                at -= rng.int(14...28)
            }
        }
        var at = startDays - 20
        while inside(at) && at > endDays {
            let id = rows.event(rng.uuid(), .employerFollowup, at: day(at, hour: 11, minute: rng.int(0...59)), employer: employer)
            rows.contacts.append(.init(id: rng.uuid(), at: rows.events.last!.at, channel: .workplace, party: .employer, note: rng.pick(ScaleNames.employerNotes), event: id))
            at -= rng.int(30...50)
        }
        if plan.closeDaysAgo != nil && rng.chance(0.45) {
            let hiredDay = endDays - rng.int(1...20)
            if inside(hiredDay) {
                rows.event(rng.uuid(), .hired, at: day(hiredDay, hour: 10), employer: employer)
                return true
            }
        }
        return false
    }
}
