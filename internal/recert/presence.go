package recert

import "fmt"

// Words says the rule as a certificate prints it and a history entry records it.
func (r PresenceRule) Words() string {
	switch r.Policy {
	case PresenceShare:
		return fmt.Sprintf("checked in and out at the door or present online; a session's CEUs for presence of at least %d%% of its scheduled time", r.SharePercent)
	case PresenceMinutes:
		return "checked in and out at the door or present online; CEUs for the minutes present (one per 50 minutes, up to the session's CEUs)"
	}
	return ""
}
