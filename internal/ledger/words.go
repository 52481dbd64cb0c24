package ledger

import "strings"

// People's words for the codes members and boards read in reports.
var (
	activityWords = map[string]string{
		"meeting_attendance":      "ABCP-approved meeting or live webinar",
		"publication":             "Publication",
		"presentation":            "Presentation",
		"editorial_review":        "Editorial review",
		"poster":                  "Poster or exhibit",
		"knowledge_base_survey":   "ABCP Knowledge Base Survey",
		"simulation":              "High-fidelity perfusion simulation",
		"clinical_instructor":     "Clinical instructor",
		"sdce":                    "Self-directed CE (SDCE)",
		"category_ii_meeting":     "Meeting not approved by ABCP",
		"category_iii_self_study": "Self-study",
		"other":                   "Other activity",
	}
	clinicalWords = map[string]string{
		"bypass_primary":     "Cardiopulmonary bypass",
		"instructor":         "Clinical instruction",
		"veno_venous_bypass": "Veno-venous bypass",
		"organ_perfusion":    "Isolated organ perfusion",
		"cps":                "Cardiopulmonary support (CPS)",
		"ecmo":               "ECMO (shifts)",
		"vad":                "Ventricular assist device (shifts)",
		"standby":            "Standby",
		"first_assistant":    "First assistant",
		"other":              "Other clinical activity",
	}
)

// ActivityWords names a CE activity type for people ("sdce": "Self-directed CE (SDCE)").
func ActivityWords(activityType string) string { return words(activityWords, activityType) }

// ClinicalWords names a clinical case type for people ("ecmo": "ECMO (shifts)").
func ClinicalWords(caseType string) string { return words(clinicalWords, caseType) }

func words(known map[string]string, code string) string {
	if w, ok := known[code]; ok {
		return w
	}
	s := strings.ReplaceAll(code, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
