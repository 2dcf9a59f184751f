import * as z from 'zod/mini';

/**
 * zod/mini, which the schemas parsed when the app loads use (settings, tenant policy), sets no locale: its issues would
 * all read "Invalid input". This gives them zod's English messages, as `zod` itself does. Imported for its effect.
 */
z.config(z.locales.en());
