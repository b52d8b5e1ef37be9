/* What both halves of the child-process module share; see child_process.h. */
#include "child_process.h"

#include <stdlib.h>
#include <string.h>

void sc__child_output_free(struct sc_child_output *output)
{
    free(output->out);
    free(output->err);
    memset(output, 0, sizeof *output);
}
