package notify

import "slices"

// Channels a person may hear of notifications on.
const (
	ChannelApp    = "app"
	ChannelEmail  = "email"
	ChannelMatrix = "matrix"
)

// Modes of a channel for a topic.
const (
	ModeImmediate = "immediate"
	ModeDaily     = "daily"
	ModeWeekly    = "weekly"
	ModeOff       = "off"
)

// Topics and Channels are in the order the preferences page shows them.
var (
	Topics   = []string{TopicMention, TopicInvitation, TopicWatched, TopicReview, TopicMembership}
	Channels = []string{ChannelApp, ChannelEmail, ChannelMatrix}
)

// ModesOf lists the modes a channel offers: the app has no digests, a
// notification is in the list or it is not.
func ModesOf(channel string) []string {
	if channel == ChannelApp {
		return []string{ModeImmediate, ModeOff}
	}
	return []string{ModeImmediate, ModeDaily, ModeWeekly, ModeOff}
}

// DefaultMode is the mode of a topic on a channel until the person chooses:
// what is addressed to them personally (mentions, invitations, their
// pages' reviews, being added to a space) arrives at once by e-mail,
// watched items in a daily digest; Matrix, once a person gives their
// Matrix ID, carries mentions and invitations.
func DefaultMode(topic, channel string) string {
	switch channel {
	case ChannelApp:
		return ModeImmediate
	case ChannelEmail:
		if topic == TopicWatched {
			return ModeDaily
		}
		return ModeImmediate
	default:
		if topic == TopicMention || topic == TopicInvitation {
			return ModeImmediate
		}
		return ModeOff
	}
}

// Preferences are a person's modes by topic and channel; a missing entry
// is the default.
type Preferences map[string]map[string]string

// Mode returns the mode of a topic on a channel.
func (p Preferences) Mode(topic, channel string) string {
	if m, ok := p[topic][channel]; ok {
		return m
	}
	return DefaultMode(topic, channel)
}

// Set records a mode; it reports false for a topic, channel or mode that
// does not exist.
func (p Preferences) Set(topic, channel, mode string) bool {
	if !slices.Contains(Topics, topic) || !slices.Contains(Channels, channel) || !slices.Contains(ModesOf(channel), mode) {
		return false
	}
	if p[topic] == nil {
		p[topic] = map[string]string{}
	}
	p[topic][channel] = mode
	return true
}
