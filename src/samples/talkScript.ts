// The demo talk: a few strong, quotable moments among ordinary filler, as in a real talk.
// Paragraphs are separated by longer pauses than sentences, the way a speaker breathes.

export interface TalkSection {
  kind: 'filler' | 'moment';
  sentences: string[];
}

export const TALK: TalkSection[] = [
  {
    kind: 'filler',
    sentences: [
      'Okay so hi everyone, thanks for coming, we will get started in a second.',
      'Let me just check that the slides are working and that the sound is okay for the people in the back.',
      'Right, so, um, today I am going to talk about a few things, and there are some things that we will go over, and then some other things after that.',
    ],
  },
  {
    kind: 'moment',
    sentences: [
      'Here is the secret nobody tells you about starting a company.',
      'Your first idea will be wrong, and that is fine.',
      'We spent two years building a product that nobody wanted.',
      'Two years, and almost a million dollars.',
      'What saved us was a single question we started asking every customer.',
      'What would you pay for tomorrow, if it existed today?',
      'That one question changed everything, because it replaced guessing with evidence.',
    ],
  },
  {
    kind: 'filler',
    sentences: [
      'So yeah, anyway, that was kind of the background, and um, there is more stuff about that later.',
      'I will skip this slide because it is basically the same as the other one.',
      'And this one is mostly a list of things, so, you know, it is sort of just there.',
      'I had another slide here with some numbers on it, but the numbers are not really important right now.',
      'We can come back to them later if there is time, or maybe not, we will see how it goes.',
    ],
  },
  {
    kind: 'moment',
    sentences: [
      'Stop chasing growth before you have retention.',
      'This is the biggest mistake I see founders make, again and again.',
      'If ten people try your product and nobody comes back, a hundred thousand people will not come back either.',
      'Growth only multiplies what you already have.',
      'So fix the leak first, then pour in the water.',
      'That is the lesson that took me five years to learn.',
    ],
  },
  {
    kind: 'filler',
    sentences: [
      'Okay, um, let me see how we are doing on time here.',
      'I think we are fine, so I will just keep going with the rest of the slides for a bit.',
      'There are a few more things and then we will have some time at the end for the things.',
      'So this next part is a bit of an overview of how we set up the office and where everybody sits.',
      'It is not super interesting, honestly, but people asked about it last time, so here it is.',
    ],
  },
  {
    kind: 'moment',
    sentences: [
      'Why do most teams fail to ship?',
      'It is not talent, and it is not money.',
      'It is that nobody is allowed to say no.',
      'Every yes adds a feature, and every feature adds a week.',
      'The best team I ever worked with had one simple rule.',
      'Cut one thing every Friday, no matter what.',
      'Six months later they shipped twice as fast as anyone else, because saying no became normal.',
    ],
  },
  {
    kind: 'filler',
    sentences: [
      'Alright, so, that is basically most of it, I think.',
      'Thanks again for coming, and um, I guess we can do questions now if there are any questions.',
    ],
  },
];

/** The talk as SSML for espeak-ng: short breaks between sentences, longer ones between sections. */
export function talkSsml(sections: TalkSection[] = TALK): string {
  const body = sections.map((s) => s.sentences.map((t) => `${t}<break time="450ms"/>`).join(' ')).join('<break time="1100ms"/>\n');
  return `<speak>${body}</speak>`;
}
