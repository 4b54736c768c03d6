/* levels.c: the display names of recognition levels, the one table decide and runs use.
 * The province description lists its levels by id only (levels = {"co-so", "huyen",
 * "tinh"}, the ids script.c accepts); when it carries names, they come from p here. */
#include "dvk/decide.h"

#include <string.h>

#include "dvk/script.h"

static const struct {
    const char *id, *name, *title;   /* title: as a heading or table row names it */
} LEVEL_NAMES[] = {
    {"co-so", "cơ sở", "Cấp cơ sở"},   /* commune / grassroots */
    {"huyen", "huyện", "Cấp huyện"},   /* district */
    {"tinh", "tỉnh", "Cấp tỉnh"},      /* province */
};

const char *dvk_level_name(const struct dvk_province *p, const char *id)
{
    (void)p;   /* no names in the description yet: levels are ids */
    if (!id)
        return "";
    for (size_t i = 0; i < sizeof LEVEL_NAMES / sizeof LEVEL_NAMES[0]; i++)
        if (strcmp(LEVEL_NAMES[i].id, id) == 0)
            return LEVEL_NAMES[i].name;
    return id;
}

const char *dvk_level_title(const struct dvk_province *p, const char *id)
{
    (void)p;
    if (!id)
        return "";
    for (size_t i = 0; i < sizeof LEVEL_NAMES / sizeof LEVEL_NAMES[0]; i++)
        if (strcmp(LEVEL_NAMES[i].id, id) == 0)
            return LEVEL_NAMES[i].title;
    return id;
}
