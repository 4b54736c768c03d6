/* levels.c: the display names of recognition levels, the one table decide and runs use.
 * The province description lists its levels by id only (levels = {"co-so", "huyen",
 * "tinh"}, the ids script.c accepts); when it carries names, they come from p here. */
#include "dvk/decide.h"

#include <string.h>

#include "dvk/script.h"

static const struct {
    const char *id, *name, *title;   /* title: as a heading or table row names it */
    int last_year;                   /* the last year with a year-end review; 0: none */
} LEVEL_NAMES[] = {
    {"co-so", "cơ sở", "Cấp cơ sở", 0},   /* commune / grassroots */
    /* district: the district level ended on 30/06/2025 (two-level local government,
     * Resolution 203/2025/QH15; ../shared/DOMAIN.md "The 2025 reorganisation"), so its last
     * year-end review is 2024's; from 2025 communes and agencies propose to the province */
    {"huyen", "huyện", "Cấp huyện", 2024},
    {"tinh", "tỉnh", "Cấp tỉnh", 0},      /* province */
};

int dvk_level_in_year(const char *id, int year)
{
    for (size_t i = 0; id && i < sizeof LEVEL_NAMES / sizeof LEVEL_NAMES[0]; i++)
        if (strcmp(LEVEL_NAMES[i].id, id) == 0)
            return !LEVEL_NAMES[i].last_year || year <= LEVEL_NAMES[i].last_year;
    return 1;
}

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
