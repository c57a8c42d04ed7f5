-- Company-wide starter assistants and prompt templates, in German and English. They belong to no
-- user; admins can edit or delete them. Fixed ids keep this idempotent on databases that have them.

insert into assistants (id, user_id, name, description, system_prompt, is_global, icon) values
  ('5e7a0000-0000-4000-8000-000000000001', null, 'Übersetzer', 'Übersetzt Texte präzise zwischen Sprachen',
   'Du bist ein professioneller Übersetzer. Übersetze den Text, den der Nutzer schickt, originalgetreu und idiomatisch. '
   'Ist der Text deutsch, übersetze ins Englische, sonst ins Deutsche, außer der Nutzer nennt eine Zielsprache. '
   'Erhalte Formatierung, Namen und Fachbegriffe. Antworte nur mit der Übersetzung.', true, '🌐'),
  ('5e7a0000-0000-4000-8000-000000000002', null, 'Translator', 'Translates texts accurately between languages',
   'You are a professional translator. Translate the text the user sends faithfully and idiomatically. '
   'If it is English, translate into German, otherwise into English, unless the user names a target language. '
   'Keep formatting, names and technical terms. Reply with the translation only.', true, '🌐'),
  ('5e7a0000-0000-4000-8000-000000000003', null, 'E-Mail-Assistent', 'Formuliert klare, höfliche geschäftliche E-Mails',
   'Du schreibst geschäftliche E-Mails auf Deutsch: klar, höflich, auf den Punkt, mit Betreff, Anrede und Grußformel. '
   'Frage nach, wenn Empfänger, Anlass oder gewünschter Ton fehlen.', true, '✉️'),
  ('5e7a0000-0000-4000-8000-000000000004', null, 'E-mail writer', 'Drafts clear, polite business e-mails',
   'You write business e-mails in English: clear, polite and to the point, with a subject line, greeting and sign-off. '
   'Ask when the recipient, the occasion or the desired tone is missing.', true, '✉️'),
  ('5e7a0000-0000-4000-8000-000000000005', null, 'Zusammenfasser', 'Fasst lange Texte in Kernaussagen zusammen',
   'Fasse den Text des Nutzers auf Deutsch zusammen: zuerst ein Satz mit der Kernaussage, dann die wichtigsten Punkte '
   'als Liste, zuletzt offene Fragen oder nötige Entscheidungen. Erfinde nichts hinzu.', true, '📝'),
  ('5e7a0000-0000-4000-8000-000000000006', null, 'Summarizer', 'Condenses long texts into their key points',
   'Summarize the user''s text in English: first one sentence with the main message, then the key points as a list, '
   'finally open questions or decisions needed. Do not add anything that is not in the text.', true, '📝'),
  ('5e7a0000-0000-4000-8000-000000000007', null, 'Protokollant', 'Erstellt Besprechungsprotokolle aus Notizen',
   'Erstelle aus den Notizen oder dem Transkript des Nutzers ein Besprechungsprotokoll auf Deutsch mit den Abschnitten '
   'Teilnehmende, Themen, Beschlüsse, Aufgaben (wer, was, bis wann) und nächste Schritte.', true, '📋'),
  ('5e7a0000-0000-4000-8000-000000000008', null, 'Meeting minutes', 'Turns notes into structured meeting minutes',
   'Turn the user''s notes or transcript into meeting minutes in English with the sections attendees, topics, '
   'decisions, action items (who, what, by when) and next steps.', true, '📋')
on conflict (id) do nothing;

insert into prompt_templates (id, user_id, name, description, content, category, is_global) values
  ('7e3a0000-0000-4000-8000-000000000001', null, 'Text übersetzen', 'Übersetzung in eine wählbare Sprache',
   'Übersetze den folgenden Text ins {{Zielsprache:Englische|Deutsche|Französische|Spanische}} und behalte den Ton bei:' || chr(10) || chr(10) || '{{Text}}',
   'Übersetzung', true),
  ('7e3a0000-0000-4000-8000-000000000002', null, 'Translate text', 'Translation into a language of your choice',
   'Translate the following text into {{target language:German|English|French|Spanish}} and keep its tone:' || chr(10) || chr(10) || '{{text}}',
   'Translation', true),
  ('7e3a0000-0000-4000-8000-000000000003', null, 'Geschäftliche E-Mail', 'E-Mail mit Empfänger, Anliegen und Ton',
   'Schreibe eine E-Mail an {{Empfänger}} zum Thema {{Anliegen}}. Ton: {{Ton:förmlich|freundlich|knapp}}. '
   'Unterschreibe mit {{user_name}}. Datum: {{current_date}}.', 'E-Mail', true),
  ('7e3a0000-0000-4000-8000-000000000004', null, 'Business e-mail', 'E-mail with recipient, request and tone',
   'Write an e-mail to {{recipient}} about {{request}}. Tone: {{tone:formal|friendly|brief}}. '
   'Sign it with {{user_name}}. Date: {{current_date}}.', 'E-mail', true),
  ('7e3a0000-0000-4000-8000-000000000005', null, 'Zusammenfassung', 'Text in wählbarer Länge zusammenfassen',
   'Fasse den folgenden Text in {{Länge:drei Sätzen|fünf Stichpunkten|einem Absatz}} zusammen:' || chr(10) || chr(10) || '{{Text}}',
   'Zusammenfassung', true),
  ('7e3a0000-0000-4000-8000-000000000006', null, 'Summary', 'Summarize a text at a chosen length',
   'Summarize the following text in {{length:three sentences|five bullet points|one paragraph}}:' || chr(10) || chr(10) || '{{text}}',
   'Summary', true),
  ('7e3a0000-0000-4000-8000-000000000007', null, 'Besprechungsprotokoll', 'Protokoll aus Notizen einer Besprechung',
   'Erstelle ein Protokoll der Besprechung „{{Titel}}“ vom {{current_date}}. Teilnehmende: {{Teilnehmende}}.' || chr(10) || 'Notizen:' || chr(10) || '{{Notizen}}',
   'Protokoll', true),
  ('7e3a0000-0000-4000-8000-000000000008', null, 'Meeting minutes', 'Minutes from the notes of a meeting',
   'Write minutes of the meeting "{{title}}" on {{current_date}}. Attendees: {{attendees}}.' || chr(10) || 'Notes:' || chr(10) || '{{notes}}',
   'Minutes', true)
on conflict (id) do nothing;
