package policies

import (
	"net/http"
	"sort"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/server/web"
)

type spaceJSON struct {
	Space
	Permissions Permissions `json:"permissions"`
}

// apiList pages through the spaces the viewer may read, by id.
func (s *Spaces) apiList(c *gin.Context) {
	limit, cursor, err := web.Page(c, 50, 200)
	if err != nil {
		s.web.Fail(c, err)
		return
	}
	spaces, err := s.Readable(c.Request.Context(), SubjectOf(c))
	if err != nil {
		s.web.Fail(c, err)
		return
	}
	out := make([]spaceJSON, 0, limit)
	next := ""
	sortByID(spaces)
	for _, sp := range spaces {
		if sp.ID <= cursor {
			continue
		}
		if len(out) == limit {
			next = strconv.FormatInt(out[len(out)-1].ID, 10)
			break
		}
		out = append(out, spaceJSON{sp, s.PermissionsIn(c.Request.Context(), SubjectOf(c), sp.ID)})
	}
	c.JSON(http.StatusOK, gin.H{"spaces": out, "next_cursor": next})
}

func (s *Spaces) apiCreate(c *gin.Context) {
	var in SpaceInput
	if err := web.Bind(c, &in); err != nil {
		s.web.Fail(c, err)
		return
	}
	space, problems, err := s.Create(c.Request.Context(), web.ViewerOf(c), in)
	if err == nil && len(problems) > 0 {
		err = problems[0]
	}
	if err != nil {
		s.web.Fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, spaceJSON{space, s.PermissionsIn(c.Request.Context(), SubjectOf(c), space.ID)})
}

func (s *Spaces) apiGet(c *gin.Context) {
	space := SpaceOf(c)
	c.JSON(http.StatusOK, spaceJSON{space, s.PermissionsIn(c.Request.Context(), SubjectOf(c), space.ID)})
}

// spacePatch changes only the fields it carries.
type spacePatch struct {
	Name        *string     `json:"name"`
	Description *string     `json:"description"`
	Visibility  *Visibility `json:"visibility"`
	AgencyRole  *Role       `json:"agency_role"`
	Language    *string     `json:"language"`
	Archived    *bool       `json:"archived"`
}

func (s *Spaces) apiUpdate(c *gin.Context) {
	var p spacePatch
	if err := web.Bind(c, &p); err != nil {
		s.web.Fail(c, err)
		return
	}
	ctx, space := c.Request.Context(), SpaceOf(c)
	in := SpaceInput{Name: space.Name, Description: space.Description, Visibility: space.Visibility, AgencyRole: space.AgencyRole, Language: space.Language}
	if p.Name != nil {
		in.Name = *p.Name
	}
	if p.Description != nil {
		in.Description = *p.Description
	}
	if p.Visibility != nil {
		in.Visibility = *p.Visibility
	}
	if p.AgencyRole != nil {
		in.AgencyRole = *p.AgencyRole
	}
	if p.Language != nil {
		in.Language = *p.Language
	}
	problems, err := s.Update(ctx, web.ViewerOf(c), space, in)
	if err == nil && len(problems) > 0 {
		err = problems[0]
	}
	if err == nil && p.Archived != nil {
		err = s.SetArchived(ctx, space, *p.Archived)
	}
	if err != nil {
		s.web.Fail(c, err)
		return
	}
	space, err = s.Store.SpaceByID(ctx, space.ID)
	if err != nil {
		s.web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, spaceJSON{space, s.PermissionsIn(ctx, SubjectOf(c), space.ID)})
}

func (s *Spaces) apiMembers(c *gin.Context) {
	members, err := s.Store.Members(c.Request.Context(), SpaceOf(c).ID)
	if err != nil {
		s.web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"members": members})
}

func (s *Spaces) apiSetMember(c *gin.Context) {
	var body struct {
		Role Role `json:"role"`
	}
	if err := web.Bind(c, &body); err != nil {
		s.web.Fail(c, err)
		return
	}
	if err := s.SetMemberBy(c.Request.Context(), SpaceOf(c), c.Param("member"), body.Role, web.ViewerOf(c).ID); err != nil {
		s.web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"member": c.Param("member"), "role": body.Role})
}

func (s *Spaces) apiRemoveMember(c *gin.Context) {
	if err := s.RemoveMember(c.Request.Context(), SpaceOf(c), c.Param("member")); err != nil {
		s.web.Fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func sortByID(spaces []Space) {
	sort.Slice(spaces, func(i, j int) bool { return spaces[i].ID < spaces[j].ID })
}
