import Vapor

/// A candidate's fields as a form or the API sends them. On create, missing fields are empty (and the rules say which are required);
/// on `PATCH` a missing field keeps its value and an empty string clears it.
struct CandidateInput: Content {
    var fnr: String?
    var firstName: String?
    var lastName: String?
    var phone: String?
    var email: String?
    var municipality: String?
    var innsatsgruppe: String?
    var mainBenefit: String?
    var wishes: String?
    var wishedWork: String?
    var strengths: String?
    var challenges: String?
    var supportNeeds: String?
    var education: String?
    var workExperience: String?
    var norwegianLevel: String?

    /// The given fields laid over `base`.
    func draft(over base: CandidateDraft = CandidateDraft()) -> CandidateDraft {
        var d = base
        if let fnr { d.fnr = fnr }
        if let firstName { d.firstName = firstName }
        if let lastName { d.lastName = lastName }
        if let phone { d.phone = phone }
        if let email { d.email = email }
        if let municipality { d.municipality = municipality }
        if let innsatsgruppe { d.innsatsgruppe = innsatsgruppe }
        if let mainBenefit { d.mainBenefit = mainBenefit }
        if let wishes { d.wishes = wishes }
        if let wishedWork { d.wishedWork = wishedWork }
        if let strengths { d.strengths = strengths }
        if let challenges { d.challenges = challenges }
        if let supportNeeds { d.supportNeeds = supportNeeds }
        if let education { d.education = education }
        if let workExperience { d.workExperience = workExperience }
        if let norwegianLevel { d.norwegianLevel = norwegianLevel }
        return d
    }
}
