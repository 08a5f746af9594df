package tg

import (
	"fmt"

	"github.com/go-telegram/bot/models"
)

// AlbumOf names the album m is a part of: its chat and Telegram's
// media_group_id ("" when m came on its own).
func AlbumOf(m *models.Message) string {
	if m.MediaGroupID == "" {
		return ""
	}
	return fmt.Sprintf("%d:%s", m.Chat.ID, m.MediaGroupID)
}

// AlbumItem is m's media as an item of an album, sent again by its file id
// with caption in place of m's own: marked up by ents, or in mode (HTML)
// when ents is nil and mode is not "". ok is false for media no album
// holds: Telegram groups photos and videos, documents, and audio files,
// nothing else.
func AlbumItem(m *models.Message, caption string, ents []models.MessageEntity, mode models.ParseMode) (item models.InputMedia, ok bool) {
	if ents != nil {
		mode = ""
	}
	switch {
	case m.Animation != nil:
		return nil, false // it comes with a Document too, but no album takes it
	case len(m.Photo) > 0:
		return &models.InputMediaPhoto{
			Media: m.Photo[len(m.Photo)-1].FileID, Caption: caption, CaptionEntities: ents, ParseMode: mode,
			ShowCaptionAboveMedia: m.ShowCaptionAboveMedia, HasSpoiler: m.HasMediaSpoiler,
		}, true
	case m.Video != nil:
		return &models.InputMediaVideo{
			Media: m.Video.FileID, Caption: caption, CaptionEntities: ents, ParseMode: mode,
			ShowCaptionAboveMedia: m.ShowCaptionAboveMedia, HasSpoiler: m.HasMediaSpoiler,
			Width: m.Video.Width, Height: m.Video.Height, Duration: m.Video.Duration,
		}, true
	case m.Document != nil:
		return &models.InputMediaDocument{Media: m.Document.FileID, Caption: caption, CaptionEntities: ents, ParseMode: mode}, true
	case m.Audio != nil:
		return &models.InputMediaAudio{
			Media: m.Audio.FileID, Caption: caption, CaptionEntities: ents, ParseMode: mode,
			Duration: m.Audio.Duration, Performer: m.Audio.Performer, Title: m.Audio.Title,
		}, true
	}
	return nil, false
}
