package web

// formatWords names the ways an event is held, as the pages show them.
var formatWords = map[string]string{
	"in_person":     "In person",
	"live_webinar":  "Live webinar (interactive)",
	"self_directed": "Self-directed (recorded or reading)",
	"simulation":    "Simulation",
}

// formatWord is the words for an event format, or the format itself if it has none.
func formatWord(f string) string {
	if w, ok := formatWords[f]; ok {
		return w
	}
	return f
}

// zone is a time zone the event editor offers, with the words people know it by.
type zone struct{ Name, Words string }

// usZones come first in the event editor: the zones of the United States, east to west.
var usZones = []zone{
	{"America/New_York", "Eastern (New York)"},
	{"America/Chicago", "Central (Chicago)"},
	{"America/Denver", "Mountain (Denver)"},
	{"America/Phoenix", "Mountain, no daylight saving (Phoenix)"},
	{"America/Los_Angeles", "Pacific (Los Angeles)"},
	{"America/Anchorage", "Alaska (Anchorage)"},
	{"Pacific/Honolulu", "Hawaii (Honolulu)"},
	{"America/Puerto_Rico", "Atlantic (Puerto Rico)"},
	{"UTC", "UTC"},
}

// zoneChoices are the editor's time zones: the US ones, and the event's own when it is another.
func zoneChoices(current string) []zone {
	out := append([]zone{}, usZones...)
	for _, z := range usZones {
		if z.Name == current {
			return out
		}
	}
	if current != "" {
		out = append(out, zone{current, current})
	}
	return out
}

// scopeWords say what each scope an app may hold lets it do.
var scopeWords = map[string]string{
	"organizations:read": "read the organization's details",
	"members:read":       "read the members the organization created or credited",
	"members:write":      "create member records and invite members",
	"events:read":        "read events",
	"events:write":       "create and change the organization's events",
	"attendance:read":    "read attendance at the organization's events",
	"attendance:write":   "post rosters and correct or revoke attendance",
	"progress:read":      "read members' progress, over the organization's credits",
	"activities:read":    "read members' self-reported activities",
	"activities:write":   "report activities for members",
	"webhooks:read":      "read the app's webhook subscriptions",
	"webhooks:write":     "subscribe to webhooks",
}

// scopeWord is the words for a scope, after its name.
func scopeWord(s string) string {
	if w, ok := scopeWords[s]; ok {
		return s + ": " + w
	}
	return s
}
